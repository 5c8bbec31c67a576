import Foundation

/// Numbers that come from outside the process (a server's headers and
/// bodies, a fixture, a runbook) checked before they become durations,
/// dates or counts. Converting a Double out of an integer's range traps, so
/// every such number passes through here first; out of range means absent.
package enum ExternalNumber {
    /// The longest wait or lifetime zdsh believes from a server: ten years.
    package static let maxSeconds: Double = 10 * 365 * 86_400

    /// `value` when it is a finite number of seconds in 0...`limit`, else nil
    /// (NaN, ±inf, negative, or beyond `limit`).
    package static func seconds(_ value: Double?, upTo limit: Double = maxSeconds) -> Double? {
        guard let value, value.isFinite, value >= 0, value <= limit else { return nil }
        return value
    }

    /// A duration of `seconds` already checked by `seconds(_:upTo:)`, to the millisecond.
    package static func duration(seconds: Double) -> Duration {
        .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// A date `seconds` after `reference` when both make a date in range,
    /// else nil (NaN or infinite seconds, or a moment ten years away).
    package static func date(_ seconds: Double, since reference: Date, near now: Date) -> Date? {
        guard seconds.isFinite else { return nil }
        let date = reference.addingTimeInterval(seconds)
        let offset = date.timeIntervalSince(now)
        guard offset.isFinite, abs(offset) <= maxSeconds else { return nil }
        return date
    }
}
