import DeskCore
import Foundation
import ShellCore

/// A point in time given on the command line (`audit tail --since/--until`):
/// a duration back from now (`30m`, `2h`, `7d`, `90s`) or a timestamp
/// (`2026-12-06T09:00:00Z`, or a day, `2026-12-06`, meaning its start in UTC).
package enum TimeBound {
    package static let help = "a duration back from now (30m, 2h, 7d) or a UTC timestamp (2026-12-06T09:00:00Z, 2026-12-06)"

    package static func parse(_ text: String, now: Date = Date()) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = DurationText.seconds(trimmed), trimmed.last?.isLetter == true {
            return now.addingTimeInterval(-seconds)
        }
        if let date = UTCTimestamp.parse(trimmed) { return date }
        if let date = UTCTimestamp.parse(trimmed + "T00:00:00Z") { return date }
        return nil
    }
}

package extension AuditQuery {
    /// Whether the record's `time` lies within `since`…`until` (inclusive); a
    /// record without a readable time is outside any bound.
    static func within(_ time: String?, since: Date?, until: Date?) -> Bool {
        guard since != nil || until != nil else { return true }
        guard let time, let date = UTCTimestamp.parse(time) else { return false }
        if let since, date < since { return false }
        if let until, date > until { return false }
        return true
    }
}
