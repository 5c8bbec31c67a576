import Foundation

/// The logic behind `zdsh auth login|status|logout`, kept out of the command
/// so it is testable against fake transports and stores.
public struct AuthService: Sendable {
    public let store: TokenStore
    public let transport: Transport
    public let log: RequestLogSink

    public init(store: TokenStore, transport: Transport, log: RequestLogSink = SilentLogSink()) {
        self.store = store; self.transport = transport; self.log = log
    }

    public struct LoginRequest: Sendable {
        public var profile: String
        public var dataCenter: DataCenter
        public var clientId: String
        public var clientSecret: Secret
        /// The self-client grant code (or a web-flow code with `redirectURI`).
        public var code: Secret
        public var redirectURI: String?
        /// `accounts-server` from an authorization redirect, when known.
        public var accountsServer: String?
        public var accountsURL: String?
        public var apiURL: String?
        public var orgId: String?
        /// Discover org (and portal) right after login.
        public var discover: Bool

        public init(profile: String = "default", dataCenter: DataCenter, clientId: String, clientSecret: Secret,
                    code: Secret, redirectURI: String? = nil, accountsServer: String? = nil, accountsURL: String? = nil,
                    apiURL: String? = nil, orgId: String? = nil, discover: Bool = true) {
            self.profile = profile; self.dataCenter = dataCenter; self.clientId = clientId
            self.clientSecret = clientSecret; self.code = code; self.redirectURI = redirectURI
            self.accountsServer = accountsServer; self.accountsURL = accountsURL; self.apiURL = apiURL
            self.orgId = orgId; self.discover = discover
        }
    }

    /// Exchanges the code, stores the profile, and (optionally) discovers the org.
    /// Returns the stored profile's status. A failed discovery (several orgs)
    /// is reported in the status, not thrown: the login itself succeeded.
    @discardableResult
    public func login(_ request: LoginRequest) async throws -> ProfileStatus {
        var connection = Connection(profile: request.profile, dc: request.dataCenter, accountsURL: request.accountsURL,
                                    apiURL: request.apiURL, clientId: request.clientId,
                                    clientSecret: request.clientSecret.reveal, orgId: request.orgId)
        connection.adopt(apiDomain: nil, accountsServer: request.accountsServer)
        let oauth = OAuthClient(accountsURL: connection.accountsURL, transport: transport, log: log)
        let grant: TokenGrant
        do {
            grant = try await oauth.exchangeCode(request.code, clientId: request.clientId,
                                                 clientSecret: request.clientSecret, redirectURI: request.redirectURI)
        } catch let error as OAuthError {
            throw DeskError(kind: .authentication, status: error.status, errorCode: error.code,
                            message: error.explanation, hint: error.detail.map { "Zoho said: \($0)" })
        }
        guard let refresh = grant.refreshToken else {
            let e = OAuthError(code: "offline_access_missing")
            throw DeskError(kind: .authentication, errorCode: e.code, message: e.explanation)
        }
        connection.refreshToken = refresh
        connection.accessToken = grant.accessToken
        connection.accessTokenExpiry = Date().addingTimeInterval(grant.expiresIn)
        connection.grantedScopes = grant.scopes
        connection.adopt(apiDomain: grant.apiDomain)
        try await store.save(connection)

        var note: String?
        if request.discover, connection.orgId == nil {
            let client = DeskClient(connection: connection, transport: transport, store: store,
                                    options: { var o = DeskClientOptions(); o.log = log; return o }())
            do {
                let org = try await OrgResolver(client: client).defaultOrganization()
                client.useOrganization(org.id)
                try await store.update(profile: connection.profile, with: ProfileUpdate(orgId: org.id))
                _ = try? await OrgResolver(client: client).portal()
            } catch let error as DeskError {
                note = error.description
            }
        }
        var result = try await status(profile: request.profile)
        result.note = note
        return result
    }

    public func status(profile: String) async throws -> ProfileStatus {
        guard let c = try await store.load(profile: profile) else {
            throw DeskError(kind: .configuration, message: "no stored profile '\(profile)'",
                            hint: "Run `zdsh auth login --profile \(profile)`.")
        }
        let cached = try await store.cachedToken(profile: profile)
        let backoff = try await store.refreshBackoff(profile: profile)
        var result = ProfileStatus(profile: c.profile, dataCenter: c.dataCenter, accountsURL: c.accountsURL, apiURL: c.apiURL,
                             clientId: c.clientId, orgId: c.orgId, portal: c.portal, helpCenterId: c.helpCenterId,
                             scopes: cached?.scopes ?? c.grantedScopes, hasRefreshToken: c.refreshToken != nil,
                             accessTokenExpiry: c.accessTokenExpiry ?? cached?.expiresAt)
        if let backoff, backoff.blocks(fingerprint: Fingerprint.of(c.refreshToken), now: Date()) {
            result.refreshBlockedUntil = backoff.until
        }
        return result
    }

    public func profiles() async throws -> [String] { try await store.profileNames() }

    /// Revokes the refresh token at Zoho, then forgets the profile. The
    /// profile is forgotten even when revocation fails (reported as a warning):
    /// a user logging out must not be left with credentials on disk.
    public func logout(profile: String) async throws -> String? {
        guard let c = try await store.load(profile: profile) else {
            throw DeskError(kind: .configuration, message: "no stored profile '\(profile)'")
        }
        var warning: String?
        if let refresh = c.refreshToken {
            do {
                try await OAuthClient(accountsURL: c.accountsURL, transport: transport, log: log,
                                      redactor: Redactor(connection: c)).revoke(token: refresh)
            } catch {
                warning = "could not revoke the refresh token at Zoho (\(Redactor(connection: c).scrub(String(describing: error)))); "
                    + "revoke it in the Zoho API console if it may be compromised"
            }
        }
        try await store.delete(profile: profile)
        return warning
    }
}

/// What `zdsh auth status` shows. Deliberately has no field for a secret.
public struct ProfileStatus: Sendable, Hashable, CustomStringConvertible {
    public var profile: String
    public var dataCenter: DataCenter
    public var accountsURL: String
    public var apiURL: String
    public var clientId: String
    public var orgId: String?
    public var portal: String?
    public var helpCenterId: String?
    public var scopes: [String]?
    public var hasRefreshToken: Bool
    public var accessTokenExpiry: Date?
    /// A remark from login (e.g. org discovery needs a choice).
    public var note: String?
    /// Zoho throttled the last refresh: none is attempted before this time.
    public var refreshBlockedUntil: Date?

    public var description: String {
        var lines = [
            "profile:      \(profile)",
            "data centre:  \(dataCenter.rawValue) — \(dataCenter.label)",
            "accounts:     \(accountsURL)",
            "desk api:     \(apiURL)",
            "client id:    \(clientId.isEmpty ? "-" : clientId)",
            "org id:       \(orgId ?? "(not yet discovered)")",
            "portal:       \(portal ?? "-")",
            "help center:  \(helpCenterId ?? "-")",
            "scopes:       \(scopes.map { $0.joined(separator: " ") } ?? "(unknown)")",
            "refresh token: \(hasRefreshToken ? "stored" : "none")",
        ]
        if let expiry = accessTokenExpiry {
            let left = Int(expiry.timeIntervalSinceNow)
            let renewal = refreshBlockedUntil == nil ? "refreshed on next call" : "no refresh until the back-off below ends"
            lines.append("access token: " + (left > 0 ? "valid for \(left / 60) min \(left % 60) s" : "expired (\(renewal))"))
        } else {
            lines.append("access token: none cached")
        }
        if let until = refreshBlockedUntil {
            lines.append("token refresh: throttled by Zoho; next attempt after \(UTCTimestamp.string(from: until)) "
                         + "(in \(max(0, Int(until.timeIntervalSinceNow.rounded(.up)))) s)")
        }
        if let note { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }
}
