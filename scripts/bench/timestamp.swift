// Times UTCTimestamp (Sources/DeskCore/UTCTimestamp.swift, compiled in)
// against the hand-made gmtime_r formatter it replaced (kept below as the
// baseline). Built and run by scripts/bench/timestamp.
import Foundation

@main
enum TimestampBench {
    static func main() {
        let count = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 200_000
        let start = Date(timeIntervalSince1970: 1_717_200_000.25)
        let dates = (0..<1000).map { start.addingTimeInterval(Double($0) * 3_671.123) }
        // Milliseconds are not compared: the hand-made formatter truncated a
        // binary fraction (…742 stored as …741999 gave .741); UTCTimestamp rounds.
        for d in dates.prefix(50) {
            precondition(UTCTimestamp.string(from: d) == HandMadeTimestamp.string(from: d), "string differs for \(d)")
            precondition(UTCTimestamp.compact(from: d) == HandMadeTimestamp.compact(from: d), "compact differs for \(d)")
        }
        let rows: [(String, (Date) -> String, (Date) -> String)] = [
            ("string", { UTCTimestamp.string(from: $0) }, { HandMadeTimestamp.string(from: $0) }),
            ("milliseconds", { UTCTimestamp.milliseconds(from: $0) }, { HandMadeTimestamp.milliseconds(from: $0) }),
            ("compact", { UTCTimestamp.compact(from: $0) }, { HandMadeTimestamp.compact(from: $0) }),
        ]
        print("format \(count) dates, ns per call (median of 5): ISO8601FormatStyle vs hand-made")
        for (name, styled, handMade) in rows {
            let a = median { time(count, dates, styled) }, b = median { time(count, dates, handMade) }
            print("  \(name.padding(toLength: 13, withPad: " ", startingAt: 0)) \(Int(a))  vs  \(Int(b))  (\(String(format: "%.2f", a / b))x)")
        }
        let texts = dates.map { UTCTimestamp.milliseconds(from: $0) }
        let a = median { time(count, texts) { UTCTimestamp.parse($0) } }
        let b = median { time(count, texts) { HandMadeTimestamp.parse($0) } }
        print("  parse         \(Int(a))  vs  \(Int(b))  (\(String(format: "%.2f", a / b))x)")
    }

    static func median(_ run: () -> Double) -> Double {
        (0..<5).map { _ in run() }.sorted()[2]
    }

    /// Nanoseconds per call of `body` over `inputs`, cycled `count` times.
    static func time<I, O>(_ count: Int, _ inputs: [I], _ body: (I) -> O) -> Double {
        var sink = 0
        let t0 = DispatchTime.now().uptimeNanoseconds
        for i in 0..<count { if let _ = Optional(body(inputs[i % inputs.count])) { sink &+= 1 } }
        let t1 = DispatchTime.now().uptimeNanoseconds
        precondition(sink >= 0)
        return Double(t1 - t0) / Double(count)
    }
}

/// The formatter UTCTimestamp used before (gmtime_r and string padding).

/// UTC timestamps written and read by hand with gmtime_r/timegm: a Foundation
/// date formatter is an ICU object, slow to build (once per audit line was
/// ~0.2 ms of every call) and not thread-safe on Linux.
enum HandMadeTimestamp {
    /// "2026-11-23T17:48:05Z", what ISO8601DateFormatter writes by default
    /// (audit lines, plans, the journal).
    static func string(from date: Date = Date()) -> String {
        let t = fields(date)
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1))-\(pad(t.tm_mday))T"
            + "\(pad(t.tm_hour)):\(pad(t.tm_min)):\(pad(t.tm_sec))Z"
    }

    /// "2024-05-02T08:15:00.000Z", Zoho's format.
    static func milliseconds(from date: Date) -> String {
        let whole = floor(date.timeIntervalSince1970)
        let millis = Int32((date.timeIntervalSince1970 - whole) * 1000)
        return String(string(from: date).dropLast()) + ".\(pad(millis, 3))Z"
    }

    /// "20261123-174805", for run ids.
    static func compact(from date: Date = Date()) -> String {
        let t = fields(date)
        return "\(pad(t.tm_year + 1900, 4))\(pad(t.tm_mon + 1))\(pad(t.tm_mday))-\(pad(t.tm_hour))\(pad(t.tm_min))\(pad(t.tm_sec))"
    }

    /// Parses `string` or `milliseconds` output; nil for anything else.
    static func parse(_ s: String) -> Date? {
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
