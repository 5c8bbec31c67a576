import DeskCore
import Foundation
import JSONValue
import ShellCore

/// Plans go stale: the world they were made from moves on. Apply refuses a
/// plan older than its maximum age (24 hours unless `--max-plan-age` says
/// otherwise) as stale, exit 6, before anything is read or sent. The time
/// is the plan's own `created`, which its signature covers.
package enum PlanAge {
    package static let defaultMaximum: TimeInterval = 24 * 3600

    /// `90s`, `45m`, `24h`, `7d` (a bare number is seconds).
    package static func parse(_ text: String) -> TimeInterval? { DurationText.seconds(text) }

    /// "25 h" for people.
    static func described(_ seconds: TimeInterval) -> String {
        if seconds >= 86400 * 2 { return String(format: "%.0f days", seconds / 86400) }
        if seconds >= 3600 { return String(format: "%.1f h", seconds / 3600) }
        if seconds >= 60 { return String(format: "%.0f min", seconds / 60) }
        return String(format: "%.0f s", seconds)
    }

    /// Refuses a plan without a creation time, one made in the future, or one older than `maximum`.
    static func check(_ created: JSON?, maximum: TimeInterval, now: Date = Date()) throws {
        guard let text = created?.stringValue, let date = UTCTimestamp.parse(text) else {
            throw PlanApplier.PlanRefusal(reason: "it carries no creation time; make a new plan", status: .stalePlan)
        }
        let age = now.timeIntervalSince(date)
        // A little clock skew between processes is fine; a plan from the future is not.
        if age < -300 {
            throw PlanApplier.PlanRefusal(reason: "it claims to be made in the future (\(Terminal.visible(text))); make a new plan", status: .stalePlan)
        }
        if age > maximum {
            throw PlanApplier.PlanRefusal(reason: "it is \(described(age)) old, older than the \(described(maximum)) a plan stays valid "
                                          + "(made \(Terminal.visible(text))); the world may have moved on: make a new plan with zdsh apply --refresh, "
                                          + "or allow older plans with --max-plan-age", status: .stalePlan)
        }
    }
}
