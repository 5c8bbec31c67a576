import Foundation

/// UTC timestamps written and read by hand with gmtime_r/timegm: a Foundation
/// date formatter is an ICU object, slow to build (once per audit line was
/// ~0.2 ms of every call) and not thread-safe on Linux.
public enum UTCTimestamp {
    /// "2026-11-23T17:48:05Z", what ISO8601DateFormatter writes by default
    /// (audit lines, plans, the journal).
    public static func string(from date: Date = Date()) -> String {
        let t = fields(date)
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1))-\(pad(t.tm_mday))T"
            + "\(pad(t.tm_hour)):\(pad(t.tm_min)):\(pad(t.tm_sec))Z"
    }

    /// "2024-05-02T08:15:00.000Z", Zoho's format.
    public static func milliseconds(from date: Date) -> String {
        let whole = floor(date.timeIntervalSince1970)
        let millis = Int32((date.timeIntervalSince1970 - whole) * 1000)
        return String(string(from: date).dropLast()) + ".\(pad(millis, 3))Z"
    }

    /// "20261123-174805", for run ids.
    public static func compact(from date: Date = Date()) -> String {
        let t = fields(date)
        return "\(pad(t.tm_year + 1900, 4))\(pad(t.tm_mon + 1))\(pad(t.tm_mday))-\(pad(t.tm_hour))\(pad(t.tm_min))\(pad(t.tm_sec))"
    }

    /// Parses `string` or `milliseconds` output; nil for anything else.
    public static func parse(_ s: String) -> Date? {
        let parts = s.split(whereSeparator: { "-T:.Z".contains($0) }).compactMap { Int($0) }
        guard parts.count >= 6 else { return nil }
        var t = tm()
        t.tm_year = Int32(parts[0] - 1900); t.tm_mon = Int32(parts[1] - 1); t.tm_mday = Int32(parts[2])
        t.tm_hour = Int32(parts[3]); t.tm_min = Int32(parts[4]); t.tm_sec = Int32(parts[5])
        let secs = timegm(&t)
        let ms = parts.count > 6 ? Double(parts[6]) / 1000 : 0
        return Date(timeIntervalSince1970: Double(secs) + ms)
    }

    private static func fields(_ date: Date) -> tm {
        var seconds = time_t(floor(date.timeIntervalSince1970))
        var t = tm()
        gmtime_r(&seconds, &t)
        return t
    }

    private static func pad(_ v: Int32, _ width: Int = 2) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
