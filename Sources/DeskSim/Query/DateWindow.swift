import DeskCore
import Foundation

/// A span of time a date filter keeps: `start ≤ t < end`, either side open.
/// Keywords (`today`, `overdue`, `last7days`, …) are days in the org's time
/// zone (the fixture's `timeZone`, UTC by default); ranges are
/// `start,end` timestamps as Zoho's `…Range` parameters take them.
struct DateWindow: Sendable, Hashable {
    var start: Date?
    var end: Date?

    func contains(_ date: Date) -> Bool {
        if let start, date < start { return false }
        if let end, date >= end { return false }
        return true
    }

    /// `2024-01-01T00:00:00.000Z,2024-02-01T00:00:00.000Z` (either side may be empty); the end is inclusive.
    static func range(_ raw: String) -> DateWindow? {
        let parts = raw.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return nil }
        let start = parts[0].isEmpty ? nil : UTCTimestamp.parse(parts[0])
        let end = parts[1].isEmpty ? nil : UTCTimestamp.parse(parts[1])
        if !parts[0].isEmpty && start == nil || !parts[1].isEmpty && end == nil { return nil }
        return DateWindow(start: start, end: end.map { $0.addingTimeInterval(0.001) })
    }

    /// A named span around `now`; nil for a word it does not know.
    static func keyword(_ word: String, now: Date, timeZone: TimeZone) -> DateWindow? {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        cal.firstWeekday = 1
        let today = cal.startOfDay(for: now)
        func day(_ offset: Int) -> Date { cal.date(byAdding: .day, value: offset, to: today)! }
        switch word {
        case "overdue": return DateWindow(start: nil, end: now)
        case "today": return DateWindow(start: today, end: day(1))
        case "tomorrow": return DateWindow(start: day(1), end: day(2))
        case "yesterday": return DateWindow(start: day(-1), end: today)
        case "currentWeek":
            let week = cal.dateInterval(of: .weekOfYear, for: now)!
            return DateWindow(start: week.start, end: week.end)
        case "currentMonth":
            let month = cal.dateInterval(of: .month, for: now)!
            return DateWindow(start: month.start, end: month.end)
        case "last3days": return DateWindow(start: day(-2), end: day(1))
        case "last7days": return DateWindow(start: day(-6), end: day(1))
        case "last15days": return DateWindow(start: day(-14), end: day(1))
        case "last30days": return DateWindow(start: day(-29), end: day(1))
        default: return nil
        }
    }

    /// Comma-separated keywords (`overdue,today`): a date in any of them; nil if one is unknown.
    static func keywords(_ raw: String, now: Date, timeZone: TimeZone) -> [DateWindow]? {
        let windows = raw.split(separator: ",").map { keyword($0.trimmingCharacters(in: .whitespaces), now: now, timeZone: timeZone) }
        return windows.contains { $0 == nil } ? nil : windows.compactMap { $0 }
    }
}

