import NIOCore

/// How the simulator waits out a request's added latency (`--latency`).
///
/// In process a task sleeps. Over HTTP the wait is a timer on the
/// connection's event loop (epoll's timer, no hop through the cooperative
/// pool to start it), counted from the request's arrival, so that the time
/// the server already spent on the request falls inside the latency rather
/// than on top of it. scripts/bench/bulk measures what any client sees.
package struct SimDelay: Sendable {
    private let wait: @Sendable (UInt64) async -> Void

    package init(_ wait: @escaping @Sendable (_ nanoseconds: UInt64) async -> Void) { self.wait = wait }

    func callAsFunction(_ nanoseconds: UInt64) async { await wait(nanoseconds) }

    /// A task sleep: the in-process transport, where no event loop exists.
    package static let taskSleep = SimDelay { try? await Task.sleep(nanoseconds: $0) }

    /// A timer on `loop` that fires `nanoseconds` after `arrival`; at once
    /// when that moment has passed.
    package static func eventLoop(_ loop: any EventLoop, since arrival: NIODeadline) -> SimDelay {
        SimDelay { nanoseconds in
            let deadline = arrival + .nanoseconds(Int64(clamping: nanoseconds))
            guard deadline > .now() else { return }
            try? await loop.scheduleTask(deadline: deadline) {}.futureResult.get()
        }
    }
}
