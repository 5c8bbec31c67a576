import Foundation

/// When and how long to wait before trying a request again.
///
/// Only idempotent methods are replayed after a 5xx or a lost connection: a
/// POST that timed out may have created the ticket already. 429
/// TOO_MANY_REQUESTS is safe to retry for any method (Zoho refused it before
/// doing anything), 429 THRESHOLD_EXCEEDED is never retried (the daily
/// credits are gone; hammering only burns goodwill).
public struct RetryPolicy: Sendable, Hashable {
    /// Total tries including the first.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// Upper bound on an honoured Retry-After; longer waits fail instead.
    public var maxRetryAfter: Duration
    /// 0…1: fraction of each delay randomised (full jitter at 1).
    public var jitter: Double

    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(20),
                maxRetryAfter: Duration = .seconds(60), jitter: Double = 0.5) {
        self.maxAttempts = maxAttempts; self.baseDelay = baseDelay; self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter; self.jitter = jitter
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    static let idempotentMethods: Set<String> = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]

    public static func isIdempotent(_ method: String) -> Bool { idempotentMethods.contains(method.uppercased()) }

    /// Capped exponential backoff with jitter for the given (1-based) failed attempt.
    public func delay(afterAttempt attempt: Int) -> Duration {
        let base = Double(baseDelay.components.seconds) + Double(baseDelay.components.attoseconds) / 1e18
        let cap = Double(maxDelay.components.seconds) + Double(maxDelay.components.attoseconds) / 1e18
        let exp = min(cap, base * pow(2, Double(max(0, attempt - 1))))
        let spread = exp * min(max(jitter, 0), 1)
        let seconds = exp - spread + Double.random(in: 0...max(spread, 0))
        return .nanoseconds(Int64(seconds * 1e9))
    }

    /// Parses Retry-After: delta seconds or an HTTP date. The header is the
    /// server's word, so a value no wait can be (NaN, infinite, negative,
    /// beyond ten years) is treated as absent.
    static func retryAfter(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let number = Double(value) {
            return ExternalNumber.seconds(number).map(ExternalNumber.duration(seconds:))
        }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        if let date = f.date(from: value) {
            return ExternalNumber.seconds(max(0, date.timeIntervalSince(now))).map(ExternalNumber.duration(seconds:))
        }
        return nil
    }
}

/// What one attempt came back with, as far as deciding what next needs.
public enum AttemptOutcome: Sendable, Hashable {
    /// No HTTP answer (connection refused, reset, timed out).
    case noResponse
    /// An HTTP answer; `errorCode` is Zoho's, `retryAfter` the parsed header.
    case response(status: Int, errorCode: String?, retryAfter: Duration?, isHTML: Bool)
}

/// What the client does after one attempt: the one place its retry rules live.
public enum RetryDecision: Sendable, Hashable {
    /// A 2xx: decode and return it.
    case deliver
    /// The access token was refused: get a new one and send again at once.
    case refreshToken
    /// Wait, then send again.
    case retry(after: Duration, note: String)
    /// Give up; `hint` (when set) replaces the error's hint.
    case fail(hint: String?)
}

extension RetryPolicy {
    static func notRetriedHint(_ method: String) -> String {
        "\(method) is not retried automatically: it may have taken effect. Check before repeating it."
    }

    /// Decides after `attempt` (1-based). `tokenRefreshed`: this call already
    /// replaced a refused token once (a second 401 is final).
    public func decide(_ outcome: AttemptOutcome, attempt: Int, method: String, requiresAuth: Bool,
                       tokenRefreshed: Bool) -> RetryDecision {
        let idempotent = Self.isIdempotent(method)
        let attemptsLeft = attempt < maxAttempts
        switch outcome {
        case .noResponse:
            if idempotent, attemptsLeft { return .retry(after: delay(afterAttempt: attempt), note: "no response") }
            return .fail(hint: idempotent ? "Gave up after \(attempt) attempt(s)." : Self.notRetriedHint(method))
        case .response(let status, let code, let retryAfter, let isHTML):
            if (200..<300).contains(status) { return .deliver }
            // An expired or revoked access token: refresh once and replay (any method: Zoho did nothing).
            if status == 401, requiresAuth, code == "INVALID_OAUTH" || code == nil, !tokenRefreshed, !isHTML {
                return .refreshToken
            }
            if status == 429 { return decideRateLimited(code: code, retryAfter: retryAfter, attempt: attempt) }
            if status >= 500 {
                if idempotent, attemptsLeft { return .retry(after: delay(afterAttempt: attempt), note: "server error") }
                return .fail(hint: idempotent ? nil : Self.notRetriedHint(method))
            }
            return .fail(hint: nil)
        }
    }

    /// 429: TOO_MANY_REQUESTS is retried for any method (Zoho refused before
    /// acting); THRESHOLD_EXCEEDED never is (the period's credits are gone).
    private func decideRateLimited(code: String?, retryAfter: Duration?, attempt: Int) -> RetryDecision {
        if code == "THRESHOLD_EXCEEDED" { return .fail(hint: nil) }
        if let retryAfter, retryAfter > maxRetryAfter {
            return .fail(hint: "Zoho asks to wait \(RequestEvent.format(retryAfter)) (Retry-After); not waiting that long.")
        }
        guard attempt < maxAttempts else { return .fail(hint: nil) }
        let wait = retryAfter ?? delay(afterAttempt: attempt)
        return .retry(after: wait, note: "rate limited" + (retryAfter != nil ? " (Retry-After)" : ""))
    }
}
