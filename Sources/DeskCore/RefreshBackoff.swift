import Foundation

/// A refused token refresh, remembered in the store so that no process asks
/// Zoho again before `until`. Zoho blocks a refresh token that minted too
/// many access tokens "for the rest of the window" (10 minutes); every
/// refresh attempted inside the block would only keep it going.
public struct RefreshBackoff: Sendable, Hashable {
    /// Earliest time the next refresh may be attempted.
    public var until: Date
    /// The OAuth error that started it ("access_denied").
    public var code: String
    /// Zoho's `error_description`, already scrubbed of secrets.
    public var detail: String?
    /// Which refresh token is blocked (a hash): another one is not.
    public var refreshFingerprint: String

    public init(until: Date, code: String, detail: String? = nil, refreshFingerprint: String) {
        self.until = until; self.code = code; self.detail = detail; self.refreshFingerprint = refreshFingerprint
    }

    /// Whether it still blocks a refresh of the token with `fingerprint` (nil: any token).
    public func blocks(fingerprint: String?, now: Date) -> Bool {
        until > now && (fingerprint == nil || fingerprint == refreshFingerprint)
    }

    /// The error a caller gets while the back-off lasts: no network call is made.
    public var error: OAuthError {
        OAuthError(code: code, detail: detail, retryAt: until)
    }
}
