import Foundation

/// Hands out a valid access token, refreshing it at most once at a time.
///
/// Single flight has two layers. Inside the process, this actor keeps one
/// refresh task that concurrent callers all await. Across processes, the
/// refresh goes through the store's lease (`TokenStore.claimRefresh`): the
/// cached token is re-read inside the store's write lock and a refresh
/// happens only if it is still stale, so eight zdsh processes on one profile
/// cost Zoho one refresh, not eight (Zoho allows 10 per refresh token per 10
/// minutes, then blocks).
///
/// A refresh Zoho refuses as throttled is remembered in the store with a
/// back-off (`TokenStore.failRefresh`): until it ends, every caller in every
/// process fails at once with the time to retry, and no request reaches
/// Zoho, which would only extend the block.
public actor TokenManager {
    public struct Settings: Sendable {
        /// Refresh when the token expires within this many seconds.
        public var refreshSkew: TimeInterval = 120
        /// How long a refresh lease lasts before others may take it over (crashed holder).
        public var lease: TimeInterval = 30
        /// How long to wait for another process's refresh before giving up.
        public var maxWait: TimeInterval = 45
        public var pollInterval: Duration = .milliseconds(100)
        /// How long a throttled refresh token is left alone: Zoho blocks it
        /// for the rest of its 10-minute window, which ends at most this late.
        public var throttleBackoff: TimeInterval = 600
        /// Use the client-credentials grant (no refresh token) with these scopes.
        public var clientCredentialScopes: [String]?
        public var now: @Sendable () -> Date = { Date() }
        public var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
        public init() {}
    }

    /// A token plus what Zoho said with it.
    public struct Issued: Sendable, Hashable {
        public let token: Secret
        public let scopes: [String]?
        public let apiDomain: String?
    }

    private let connection: Connection
    private let store: TokenStore
    private let oauth: OAuthClient
    private let settings: Settings
    private let holder = "\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
    private var current: CachedToken?
    private var inflight: Task<CachedToken, Error>?
    /// The last token a 401 INVALID_OAUTH refused.
    private var lastRejected: Secret?
    /// Refreshes this process performed (not ones it picked up from the store).
    public private(set) var refreshesPerformed = 0

    public init(connection: Connection, store: TokenStore, oauth: OAuthClient, settings: Settings = Settings()) {
        self.connection = connection
        self.store = store
        self.oauth = oauth
        self.settings = settings
        if let token = connection.accessToken {
            // A token handed in without an expiry (simulator, ZOHO_ACCESS_TOKEN) is trusted until rejected.
            current = CachedToken(accessToken: token, expiresAt: connection.accessTokenExpiry ?? .distantFuture,
                                  scopes: connection.grantedScopes, apiDomain: connection.apiDomain,
                                  refreshFingerprint: Fingerprint.of(connection.refreshToken))
        }
    }

    /// Scopes of the token in hand, when Zoho told us.
    public var scopes: [String]? { current?.scopes }
    /// `api_domain` Zoho sent with the token in hand.
    public var apiDomain: String? { current?.apiDomain }

    /// A token that is not about to expire and is not `rejected` (the one a
    /// 401 INVALID_OAUTH just refused).
    public func token(rejecting rejectedNow: Secret? = nil) async throws -> Issued {
        // A token Zoho refused stays refused: while no refresh succeeds (a
        // back-off), later calls must not send it again just to hear 401.
        if let rejectedNow, rejectedNow != lastRejected {
            lastRejected = rejectedNow
            try? await store.discardToken(profile: connection.profile, accessToken: rejectedNow)
        }
        let rejected = rejectedNow ?? lastRejected
        if let current, usable(current, rejected: rejected) { return issued(current) }
        if let task = inflight {
            let token = try await task.value
            if usable(token, rejected: rejected) { return issued(token) }
        }
        let task = Task { try await self.refreshThroughStore(rejected: rejected) }
        inflight = task
        defer { if inflight == task { inflight = nil } }
        let token = try await task.value
        current = token
        return issued(token)
    }

    private func issued(_ t: CachedToken) -> Issued { Issued(token: t.accessToken, scopes: t.scopes, apiDomain: t.apiDomain) }

    private func usable(_ token: CachedToken, rejected: Secret?) -> Bool {
        TokenManager.usable(token, rejected: rejected, fingerprint: nil, skew: settings.refreshSkew, now: settings.now())
    }

    static func usable(_ token: CachedToken, rejected: Secret?, fingerprint: String?, skew: TimeInterval, now: Date) -> Bool {
        if let rejected, token.accessToken == rejected { return false }
        if let fingerprint, token.refreshFingerprint != fingerprint { return false }
        return token.expiresAt.timeIntervalSince(now) > skew
    }

    private func refreshThroughStore(rejected: Secret?) async throws -> CachedToken {
        let fingerprint = Fingerprint.of(connection.refreshToken)
        let skew = settings.refreshSkew, clock = settings.now
        let deadline = settings.now().addingTimeInterval(settings.maxWait)
        while true {
            let claim = try await store.claimRefresh(profile: connection.profile, holder: holder, lease: settings.lease,
                                                     fingerprint: fingerprint) {
                TokenManager.usable($0, rejected: rejected, fingerprint: fingerprint, skew: skew, now: clock())
            }
            switch claim {
            case .fresh(let token):
                return token
            case .blocked(let backoff):
                throw backoff.error
            case .claimed:
                let token: CachedToken
                do {
                    token = try await mint(fingerprint: fingerprint)
                } catch {
                    throw await settleFailedRefresh(error, fingerprint: fingerprint)
                }
                refreshesPerformed += 1
                try await store.completeRefresh(profile: connection.profile, holder: holder, token: token)
                return token
            case .busy:
                if settings.now() > deadline { throw OAuthError(code: "refresh_lock_timeout") }
                try await settings.sleep(settings.pollInterval)
            }
        }
    }

    /// Gives the lease back. A throttling answer is remembered as a back-off
    /// for every process; the error then says when to retry.
    private func settleFailedRefresh(_ error: Error, fingerprint: String) async -> Error {
        guard let refused = error as? OAuthError, refused.isThrottling else {
            try? await store.abandonRefresh(profile: connection.profile, holder: holder)
            return error
        }
        // Wall-clock time, like the store's leases: other processes compare it with theirs.
        let backoff = RefreshBackoff(until: Date().addingTimeInterval(settings.throttleBackoff),
                                     code: refused.code, detail: refused.detail, refreshFingerprint: fingerprint)
        do {
            try await store.failRefresh(profile: connection.profile, holder: holder, backoff: backoff)
        } catch {
            try? await store.abandonRefresh(profile: connection.profile, holder: holder)
        }
        return OAuthError(code: refused.code, status: refused.status, detail: refused.detail, retryAt: backoff.until)
    }

    private func mint(fingerprint: String) async throws -> CachedToken {
        guard !connection.clientId.isEmpty, let secret = connection.clientSecret else {
            throw OAuthError(code: "no_client_credentials")
        }
        let grant: TokenGrant
        if let refresh = connection.refreshToken {
            grant = try await oauth.refresh(refreshToken: refresh, clientId: connection.clientId, clientSecret: secret)
        } else if let scopes = settings.clientCredentialScopes {
            grant = try await oauth.clientCredentials(clientId: connection.clientId, clientSecret: secret, scopes: scopes,
                                                      soid: connection.orgId.map { "ZohoDesk.\($0)" })
        } else {
            throw OAuthError(code: "no_refresh_token")
        }
        return CachedToken(accessToken: grant.accessToken,
                           expiresAt: settings.now().addingTimeInterval(grant.expiresIn),
                           scopes: grant.scopes ?? connection.grantedScopes, apiDomain: grant.apiDomain,
                           refreshFingerprint: fingerprint)
    }
}
