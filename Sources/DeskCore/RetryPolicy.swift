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

    /// Parses Retry-After: delta seconds or an HTTP date.
    static func retryAfter(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds >= 0 { return .milliseconds(Int64(seconds * 1000)) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        if let date = f.date(from: value) {
            return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
        }
        return nil
    }
}
