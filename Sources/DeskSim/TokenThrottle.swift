import Foundation

/// Zoho Accounts' limit on minting: one refresh token issues at most
/// `limit` access tokens in any `window` seconds; beyond that the token
/// endpoint refuses until the oldest mint in the window ages out ("blocked
/// for the rest of the window"). Refused attempts do not count as mints.
/// Not thread-safe: the simulator's lock guards it.
struct TokenThrottle {
    static let zohoLimit = 10
    static let window: TimeInterval = 600
    /// Zoho's answer, HTTP 400, word for word.
    static let refusal: [String: String] = [
        "error": "Access Denied",
        "error_description": "You have made too many requests continuously. Please try again after some time.",
    ]

    /// nil switches the throttle off (soak tests that expire tokens on purpose).
    var limit: Int? = TokenThrottle.zohoLimit
    private var mints: [String: [Date]] = [:]

    /// Whether `refreshToken` may mint now; when it may, the mint is counted.
    mutating func admit(_ refreshToken: String, now: Date) -> Bool {
        guard let limit else { return true }
        var recent = (mints[refreshToken] ?? []).filter { now.timeIntervalSince($0) < Self.window }
        guard recent.count < limit else {
            mints[refreshToken] = recent
            return false
        }
        recent.append(now)
        mints[refreshToken] = recent
        return true
    }

    mutating func forget(_ refreshToken: String) { mints[refreshToken] = nil }
}
