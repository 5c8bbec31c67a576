import Foundation

/// A process-local store: tests, the simulator, and env-only sessions.
public actor InMemoryTokenStore: TokenStore {
    private var profiles: [String: Connection] = [:]
    private var tokens: [String: CachedToken] = [:]
    private var leases: [String: (holder: String, until: Date)] = [:]
    private var refreshes: [String: Int] = [:]
    private var backoffs: [String: RefreshBackoff] = [:]

    public init(_ connections: [Connection] = []) {
        for c in connections { profiles[c.profile] = c }
    }

    public func load(profile: String) -> Connection? { profiles[profile] }
    public func save(_ connection: Connection) {
        profiles[connection.profile] = connection
        backoffs[connection.profile] = nil
    }
    public func update(profile: String, with update: ProfileUpdate) {
        guard var c = profiles[profile] else { return }
        c.apply(update)
        profiles[profile] = c
    }
    public func delete(profile: String) {
        profiles[profile] = nil; tokens[profile] = nil; leases[profile] = nil; backoffs[profile] = nil
    }
    public func profileNames() -> [String] { profiles.keys.sorted() }
    public func cachedToken(profile: String) -> CachedToken? { tokens[profile] }

    public func claimRefresh(profile: String, holder: String, lease: TimeInterval, fingerprint: String?,
                             isUsable: @escaping @Sendable (CachedToken) -> Bool) -> RefreshClaim {
        if let token = tokens[profile], isUsable(token) { return .fresh(token) }
        let now = Date()
        if let backoff = backoffs[profile], backoff.blocks(fingerprint: fingerprint, now: now) { return .blocked(backoff) }
        if let current = leases[profile], current.until > now, current.holder != holder { return .busy }
        leases[profile] = (holder, now.addingTimeInterval(lease))
        return .claimed
    }

    public func completeRefresh(profile: String, holder: String, token: CachedToken) {
        tokens[profile] = token
        refreshes[profile, default: 0] += 1
        backoffs[profile] = nil
        if leases[profile]?.holder == holder { leases[profile] = nil }
    }

    public func discardToken(profile: String, accessToken: Secret) {
        if tokens[profile]?.accessToken == accessToken { tokens[profile] = nil }
    }

    public func failRefresh(profile: String, holder: String, backoff: RefreshBackoff) {
        backoffs[profile] = backoff
        if leases[profile]?.holder == holder { leases[profile] = nil }
    }

    public func refreshBackoff(profile: String) -> RefreshBackoff? { backoffs[profile] }

    public func abandonRefresh(profile: String, holder: String) {
        if leases[profile]?.holder == holder { leases[profile] = nil }
    }

    public func refreshCount(profile: String) -> Int { refreshes[profile] ?? 0 }
}

extension Connection {
    mutating func apply(_ u: ProfileUpdate) {
        if let v = u.orgId { orgId = v }
        if let v = u.portal { portal = v }
        if let v = u.helpCenterId { helpCenterId = v }
        if let v = u.apiDomain { apiDomain = v }
        if let v = u.apiURL { apiURL = v }
        if let v = u.accountsURL { accountsURL = v }
        if let v = u.dataCenter { dataCenter = v }
        if let v = u.grantedScopes { grantedScopes = v }
        if let v = u.concurrency { concurrency = v }
        if let v = u.edition { edition = v }
    }
}
