import Foundation

/// "2026-11-23T17:48:05Z": the format ISO8601DateFormatter writes by default,
/// without building a formatter (an ICU object) for every audit line.
enum UTCTimestamp {
    static func string(from date: Date = Date()) -> String {
        let t = fields(date)
        return "\(t.tm_year + 1900)-\(two(t.tm_mon + 1))-\(two(t.tm_mday))T\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec))Z"
    }

    /// "20261123-174805", for run ids.
    static func compact(from date: Date = Date()) -> String {
        let t = fields(date)
        return "\(t.tm_year + 1900)\(two(t.tm_mon + 1))\(two(t.tm_mday))-\(two(t.tm_hour))\(two(t.tm_min))\(two(t.tm_sec))"
    }

    private static func fields(_ date: Date) -> tm {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var t = tm()
        gmtime_r(&seconds, &t)
        return t
    }

    private static func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
