import Foundation
import JSONValue

/// When Zoho says a spent limit (THRESHOLD_EXCEEDED) resets, if it says so
/// at all: none of these is documented (reference §4), so each is read only
/// when present — `Retry-After` (seconds or an HTTP date), `X-RateLimit-Reset`
/// (epoch seconds, or seconds from now when small), or a body field
/// `resetTime` / `retryAfter` in the same forms.
enum RateLimitReset {
    /// "2026-11-28T00:00:00Z (in 8h 36m)", or nil when nothing says.
    static func find(_ response: WireResponse, _ body: JSON, now: Date) -> String? {
        let candidates: [Date?] = [
            RetryPolicy.retryAfter(response.header("Retry-After"), now: now).map { now.addingTimeInterval(seconds($0)) },
            response.header("X-RateLimit-Reset").flatMap { moment($0, now: now) },
            body["resetTime"].flatMap { text($0) }.flatMap { moment($0, now: now) },
            body["retryAfter"].flatMap { text($0) }.flatMap { moment($0, now: now) },
        ]
        guard let date = candidates.compactMap({ $0 }).first else { return nil }
        return describe(date, now: now)
    }

    private static func text(_ value: JSON) -> String? {
        if let s = value.stringValue { return s }
        return value.intValue.map { String($0) }
    }

    /// Epoch seconds or milliseconds, seconds from now, or an ISO-8601 time.
    private static func moment(_ value: String, now: Date) -> Date? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        let epoch = Date(timeIntervalSince1970: 0)
        // The server's number: a moment more than ten years off (or no number at all) says nothing.
        if let n = Double(trimmed) {
            guard n.isFinite, n >= 0 else { return nil }
            if n > 1e12 { return ExternalNumber.date(n / 1000, since: epoch, near: now) }
            if n > 1e9 { return ExternalNumber.date(n, since: epoch, near: now) }
            return ExternalNumber.date(n, since: now, near: now)
        }
        guard let date = try? Date(trimmed, strategy: .iso8601) else { return nil }
        return ExternalNumber.date(0, since: date, near: now)
    }

    private static func seconds(_ d: Duration) -> TimeInterval {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private static func describe(_ date: Date, now: Date) -> String {
        let stamp = date.formatted(.iso8601)
        let minutes = max(0, Int((date.timeIntervalSince(now) / 60).rounded(.up)))
        let wait = minutes >= 60 ? "\(minutes / 60)h \(minutes % 60)m" : "\(minutes)m"
        return "\(stamp) (in \(wait))"
    }
}
