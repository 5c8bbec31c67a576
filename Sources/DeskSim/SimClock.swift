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
