import Foundation

/// Where the simulator gets "now" from. Injectable so that token expiry, the
/// daily credit window and `createdTime` values are deterministic in tests.
public protocol SimClock: Sendable {
    func now() -> Date
}

/// Wall-clock time.
public struct SystemClock: SimClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that only moves when told to.
public final class ManualClock: SimClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date(timeIntervalSince1970: 1_717_200_000)) { current = start }

    public func now() -> Date { lock.withLock { current } }
    public func advance(seconds: TimeInterval) { lock.withLock { current += seconds } }
    public func set(_ date: Date) { lock.withLock { current = date } }
}

/// Zoho's timestamp format, e.g. "2024-05-02T08:15:00.000Z". Hand-rolled with
/// gmtime_r because DateFormatter is slow and not thread-safe on Linux.
enum Timestamp {
    static func iso(_ date: Date) -> String {
        var seconds = time_t(floor(date.timeIntervalSince1970))
        let millis = Int((date.timeIntervalSince1970 - floor(date.timeIntervalSince1970)) * 1000)
        var t = tm()
        gmtime_r(&seconds, &t)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1, 2))-\(pad(t.tm_mday, 2))T"
            + "\(pad(t.tm_hour, 2)):\(pad(t.tm_min, 2)):\(pad(t.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }

    /// Parses the format above (and without millis); nil for anything else.
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
}
