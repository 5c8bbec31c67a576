import Foundation

/// UTC timestamps in the few shapes zdsh writes and reads, through
/// Foundation's `Date.ISO8601FormatStyle`: a value type, safe to share
/// between threads, and cheaper per call than a hand-made formatter
/// (`scripts/bench/timestamp` measures both).
public enum UTCTimestamp {
    private static let seconds = Date.ISO8601FormatStyle(timeZone: .gmt)
    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let basic = Date.ISO8601FormatStyle(dateSeparator: .omitted, dateTimeSeparator: .standard,
                                                       timeSeparator: .omitted, timeZone: .gmt)

    /// "2026-11-23T17:48:05Z", what ISO8601DateFormatter writes by default
    /// (audit lines, plans, the journal).
    public static func string(from date: Date = Date()) -> String {
        seconds.format(date)
    }

    /// "2024-05-02T08:15:00.000Z", Zoho's format: to the nearest
    /// millisecond, so a parsed timestamp is written back as it was read.
    public static func milliseconds(from date: Date) -> String {
        // The style truncates, and 1717214684.742 is stored as …741999.
        fractional.format(date.addingTimeInterval(0.0005))
    }

    /// "20261123-174805", for run ids.
    public static func compact(from date: Date = Date()) -> String {
        // The basic format reads "20261123T174805Z".
        var bytes = Array(basic.format(date).utf8.dropLast())
        if let t = bytes.firstIndex(of: UInt8(ascii: "T")) { bytes[t] = UInt8(ascii: "-") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses `string` or `milliseconds` output (or another offset than Z);
    /// nil for anything else.
    public static func parse(_ text: String) -> Date? {
        (try? seconds.parse(text)) ?? (try? fractional.parse(text))
    }
}
