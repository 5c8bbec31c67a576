import Foundation

/// Everything needed to talk to one Zoho Desk organisation as one OAuth
/// client: where (hosts), who (client credentials, refresh token), and what
/// was learned along the way (org, portal, help center, granted scopes).
///
/// The shell builds one from a stored profile plus environment overrides
/// (`ConnectionLoader`); the simulator builds one directly with its own base
/// URLs. Secrets are `Secret`s so that printing a connection never leaks them.
public struct Connection: Sendable, Hashable {
    /// Profile name in the store (also the key for cached access tokens).
    public var profile: String
    public var dataCenter: DataCenter
    /// Accounts (OAuth) server, e.g. "https://accounts.zoho.eu".
    public var accountsURL: String
    /// Desk API root without "/api/v1", e.g. "https://desk.zoho.eu".
    public var apiURL: String
    /// `api_domain` as last returned by Zoho (informational; drives `apiURL`
    /// only while `apiURL` is a stock Desk host).
    public var apiDomain: String?
    public var clientId: String
    public var clientSecret: Secret?
    public var refreshToken: Secret?
    /// A current access token, when one is known (login, simulator, cache).
    public var accessToken: Secret?
    public var accessTokenExpiry: Date?
    /// Scopes granted to the token; nil when unknown (scope checks are skipped).
    public var grantedScopes: [String]?
    public var orgId: String?
    public var portal: String?
    public var helpCenterId: String?
    /// Calls in flight at once set for this profile (`auth login --concurrency`).
    public var concurrency: Int?
    /// The org's Desk edition (FREE, PROFESSIONAL, …) when a read told it.
    public var edition: String?

    public init(profile: String = "default", dc: DataCenter = .com, accountsURL: String? = nil,
                apiURL: String? = nil, apiDomain: String? = nil, clientId: String = "",
                clientSecret: String? = nil, refreshToken: String? = nil,
                accessToken: String? = nil, accessTokenExpiry: Date? = nil,
                grantedScopes: [String]? = nil, orgId: String? = nil, portal: String? = nil,
                helpCenterId: String? = nil) {
        self.profile = profile
        self.dataCenter = dc
        self.accountsURL = Connection.trimmed(accountsURL ?? dc.accountsURL)
        self.apiURL = Connection.trimmed(apiURL ?? dc.deskURL)
        self.apiDomain = apiDomain
        self.clientId = clientId
        self.clientSecret = Secret?(clientSecret)
        self.refreshToken = Secret?(refreshToken)
        self.accessToken = Secret?(accessToken)
        self.accessTokenExpiry = accessTokenExpiry
        self.grantedScopes = grantedScopes
        self.orgId = orgId
        self.portal = portal
        self.helpCenterId = helpCenterId
    }

    /// True while the API host is the stock Desk host of some DC, i.e. not a
    /// simulator or proxy the user pinned. Only then may Zoho's `api_domain`
    /// move us to another DC.
    public var followsZohoHosts: Bool {
        DataCenter.allCases.contains { $0.deskURL == apiURL }
    }

    /// Applies Zoho's word on where this account lives (`api_domain` from a
    /// token response, `accounts-server` from an authorization redirect).
    public mutating func adopt(apiDomain domain: String?, accountsServer: String? = nil) {
        if let domain, !domain.isEmpty {
            apiDomain = domain
            if followsZohoHosts, let dc = DataCenter(url: domain) {
                let host = URLComponents(string: domain)?.host ?? ""
                // A Desk host is used as is; "www.zohoapis.<tld>" only names the DC.
                apiURL = host.hasPrefix("desk.") ? Connection.trimmed(domain) : dc.deskURL
                dataCenter = dc
            }
        }
        if let server = accountsServer, !server.isEmpty, server.lowercased().hasPrefix("https://") {
            accountsURL = Connection.trimmed(server)
            if let dc = DataCenter(url: server) { dataCenter = dc }
        }
    }

    static func trimmed(_ url: String) -> String {
        var u = url.trimmingCharacters(in: .whitespaces)
        while u.hasSuffix("/") { u.removeLast() }
        return u
    }
}

extension Connection: CustomStringConvertible {
    /// Safe to print: no secret, only whether each one is present.
    public var description: String {
        "Connection(profile: \(profile), dc: \(dataCenter.rawValue), api: \(apiURL), accounts: \(accountsURL), "
            + "clientId: \(clientId.isEmpty ? "-" : clientId), clientSecret: \(clientSecret == nil ? "absent" : "set"), "
            + "refreshToken: \(refreshToken == nil ? "absent" : "set"), org: \(orgId ?? "-"))"
    }
}
