import Foundation

/// Builds the `Connection` a command runs with: the stored profile, then the
/// environment on top, then explicit flags on top of that.
///
/// Environment: ZDSH_PROFILE (which profile), ZOHO_DC, ZOHO_CLIENT_ID,
/// ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN, ZOHO_DESK_ORG_ID, ZDSH_API_URL and
/// ZDSH_ACCOUNTS_URL (see `Endpoints`). Overrides live only in memory; the
/// client persists discovered facts, never overrides.
public struct ConnectionLoader: Sendable {
    public struct Flags: Sendable {
        public var profile: String?
        public var dataCenter: String?
        public var orgId: String?
        public var apiURL: String?
        public var accountsURL: String?
        public init(profile: String? = nil, dataCenter: String? = nil, orgId: String? = nil,
                    apiURL: String? = nil, accountsURL: String? = nil) {
            self.profile = profile; self.dataCenter = dataCenter; self.orgId = orgId
            self.apiURL = apiURL; self.accountsURL = accountsURL
        }
    }

    public let store: TokenStore
    public let environment: [String: String]

    public init(store: TokenStore, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.store = store
        self.environment = environment
    }

    public func profileName(_ flags: Flags = Flags()) -> String {
        profileChoice(flags).name
    }

    /// The connection for the chosen profile. Fails with guidance when neither
    /// the store nor the environment provides credentials.
    public func load(_ flags: Flags = Flags()) async throws -> Connection {
        let name = profileName(flags)
        let stored = try await store.load(profile: name)
        var c = stored ?? Connection(profile: name)

        if let dcName = flags.dataCenter ?? nonEmpty("ZOHO_DC") {
            guard let dc = DataCenter(name: dcName) else {
                throw DeskError(kind: .configuration, message: "unknown data centre \(Quoted(dcName))",
                                hint: "Use one of: \(DataCenter.names).")
            }
            if dc != c.dataCenter || stored == nil {
                let keepAPI = !c.followsZohoHosts, keepAccounts = DataCenter(url: c.accountsURL) == nil
                c.dataCenter = dc
                if !keepAPI { c.apiURL = dc.deskURL }
                if !keepAccounts { c.accountsURL = dc.accountsURL }
            }
        }
        if let v = nonEmpty("ZOHO_CLIENT_ID") { c.clientId = v }
        if let v = nonEmpty("ZOHO_CLIENT_SECRET") { c.clientSecret = Secret(v) }
        if let v = nonEmpty("ZOHO_REFRESH_TOKEN"), v != c.refreshToken?.reveal {
            c.refreshToken = Secret(v)
            // A token cached for the stored refresh token is not ours.
            c.accessToken = nil
            c.accessTokenExpiry = nil
        }
        if let v = flags.orgId ?? nonEmpty("ZOHO_DESK_ORG_ID") { c.orgId = v }
        if let v = nonEmpty("ZDSH_API_URL") { c.apiURL = try Endpoints.checked(v, source: "ZDSH_API_URL") }
        if let v = nonEmpty("ZDSH_ACCOUNTS_URL") { c.accountsURL = try Endpoints.checked(v, source: "ZDSH_ACCOUNTS_URL") }
        if let v = flags.apiURL { c.apiURL = try Endpoints.checked(v, source: "--api-url") }
        if let v = flags.accountsURL { c.accountsURL = try Endpoints.checked(v, source: "--accounts-url") }

        if stored == nil, c.refreshToken == nil, c.accessToken == nil {
            throw Self.noCredentials(profile: name, known: try await store.profileNames())
        }
        return c
    }

    public static func noCredentials(profile name: String, known: [String]) -> DeskError {
        DeskError(kind: .configuration,
                  message: "no credentials for profile '\(name)'"
                      + (known.isEmpty ? "" : " (stored profiles: \(known.joined(separator: ", ")))"),
                  hint: "Run `zdsh auth login`, or set ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN.")
    }

    /// Why `load` would fail, known without opening the store: there is no
    /// store file and no refresh token in the environment. nil when it may
    /// succeed. Lets `zdsh eval` skip creating a store it will not use.
    public static func certainlyMissing(environment: [String: String] = ProcessInfo.processInfo.environment) -> DeskError? {
        let loader = ConnectionLoader(store: InMemoryTokenStore(), environment: environment)
        guard loader.nonEmpty("ZOHO_REFRESH_TOKEN") == nil,
              !FileManager.default.fileExists(atPath: SQLiteTokenStore.defaultPath(environment: environment)) else { return nil }
        return noCredentials(profile: loader.profileName(), known: [])
    }

    func nonEmpty(_ key: String) -> String? {
        guard let v = environment[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }
}
