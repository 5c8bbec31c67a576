import Foundation
import Synchronization

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
public final class ManualClock: SimClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_717_200_000)) { current = Mutex(start) }

    public func now() -> Date { current.withLock { $0 } }
    public func advance(seconds: TimeInterval) { current.withLock { $0 += seconds } }
    public func set(_ date: Date) { current.withLock { $0 = date } }
}
