import Foundation

/// An access token cached for a profile, shared by every process using the store.
public struct CachedToken: Sendable, Hashable {
    public var accessToken: Secret
    public var expiresAt: Date
    public var scopes: [String]?
    public var apiDomain: String?
    /// Which refresh token minted it (a hash, not the token): a token cached
    /// for another refresh token (ZOHO_REFRESH_TOKEN override) is not reused.
    public var refreshFingerprint: String

    public init(accessToken: Secret, expiresAt: Date, scopes: [String]? = nil, apiDomain: String? = nil,
                refreshFingerprint: String) {
        self.accessToken = accessToken; self.expiresAt = expiresAt; self.scopes = scopes
        self.apiDomain = apiDomain; self.refreshFingerprint = refreshFingerprint
    }
}

/// Result of asking the store for the right to refresh.
public enum RefreshClaim: Sendable, Hashable {
    /// Someone already refreshed: use this token.
    case fresh(CachedToken)
    /// The caller now holds the refresh lease and must complete or abandon it.
    case claimed
    /// Another holder's lease is live: wait and ask again.
    case busy
    /// A recent refresh was refused (throttled): do not ask Zoho before
    /// the back-off ends; fail now with its error.
    case blocked(RefreshBackoff)
}

/// Facts learned after login that are written back to a stored profile.
/// Only these fields are persisted by the client, so environment overrides
/// (ZOHO_REFRESH_TOKEN, ZOHO_DESK_ORG_ID …) never leak into the store.
public struct ProfileUpdate: Sendable, Hashable {
    public var orgId: String?
    public var portal: String?
    public var helpCenterId: String?
    public var apiDomain: String?
    public var apiURL: String?
    public var accountsURL: String?
    public var dataCenter: DataCenter?
    public var grantedScopes: [String]?
    public var concurrency: Int?
    public var edition: String?
    public init(orgId: String? = nil, portal: String? = nil, helpCenterId: String? = nil, apiDomain: String? = nil,
                apiURL: String? = nil, accountsURL: String? = nil, dataCenter: DataCenter? = nil,
                grantedScopes: [String]? = nil, concurrency: Int? = nil, edition: String? = nil) {
        self.orgId = orgId; self.portal = portal; self.helpCenterId = helpCenterId; self.apiDomain = apiDomain
        self.apiURL = apiURL; self.accountsURL = accountsURL; self.dataCenter = dataCenter
        self.grantedScopes = grantedScopes
        self.concurrency = concurrency; self.edition = edition
    }
}

/// Persistence for profiles and cached tokens, plus the refresh lease that
/// makes token refresh single-flight across processes sharing the store.
///
/// The lease protocol: `claimRefresh` runs *one write transaction* that
/// re-reads the cached token, returns it if usable, otherwise takes the lease
/// if free (or expired — a crashed holder cannot block forever). The holder
/// refreshes without holding any database lock (network I/O never happens
/// inside a transaction), then `completeRefresh` stores the token and drops
/// the lease in one transaction. Everyone else polls `claimRefresh` and picks
/// the new token up as `.fresh`.
///
/// A refused refresh is remembered too: `failRefresh` records a back-off and
/// drops the lease in one transaction, and until it ends `claimRefresh`
/// answers `.blocked` to every process, so a throttled refresh token costs
/// Zoho one attempt per back-off window, not one per caller.
public protocol TokenStore: Sendable {
    func load(profile: String) async throws -> Connection?
    /// Inserts or replaces a whole profile (login).
    func save(_ connection: Connection) async throws
    /// Merges discovered facts into an existing profile; no-op when absent.
    func update(profile: String, with update: ProfileUpdate) async throws
    /// Forgets the profile and its cached token.
    func delete(profile: String) async throws
    func profileNames() async throws -> [String]

    func cachedToken(profile: String) async throws -> CachedToken?
    /// `fingerprint` names the refresh token the caller would use: a
    /// back-off recorded for another refresh token does not block it (nil: any does).
    func claimRefresh(profile: String, holder: String, lease: TimeInterval, fingerprint: String?,
                      isUsable: @escaping @Sendable (CachedToken) -> Bool) async throws -> RefreshClaim
    /// Stores the token, clears any back-off and drops the lease.
    func completeRefresh(profile: String, holder: String, token: CachedToken) async throws
    func abandonRefresh(profile: String, holder: String) async throws
    /// Forgets the cached access token if it is `accessToken`: Zoho refused
    /// it (401), so no process should load and send it again.
    func discardToken(profile: String, accessToken: Secret) async throws
    /// Records a refused refresh and drops the lease, in one step.
    func failRefresh(profile: String, holder: String, backoff: RefreshBackoff) async throws
    /// The back-off in force or last recorded for the profile (status display).
    func refreshBackoff(profile: String) async throws -> RefreshBackoff?
    /// Refreshes recorded for the profile (diagnostics; tests prove single flight with it).
    func refreshCount(profile: String) async throws -> Int
}

extension TokenStore {
    /// Claims without naming a refresh token: any back-off blocks.
    public func claimRefresh(profile: String, holder: String, lease: TimeInterval,
                             isUsable: @escaping @Sendable (CachedToken) -> Bool) async throws -> RefreshClaim {
        try await claimRefresh(profile: profile, holder: holder, lease: lease, fingerprint: nil, isUsable: isUsable)
    }
}

enum Fingerprint {
    /// FNV-1a 64: enough to tell two refresh tokens apart, not a secret itself.
    static func of(_ secret: Secret?) -> String {
        guard let secret else { return "none" }
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in secret.reveal.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return String(hash, radix: 16)
    }
}
