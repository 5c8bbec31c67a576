import Foundation
import Synchronization

/// Which run may still send, and the sends still under way.
///
/// A call passes the gate on the Lua thread and goes out later, from a
/// task; a run can end in between (a cap or another limit tripped by a
/// later call of the same `desk.each`, a deadline). Once the run is over,
/// nothing of it leaves: a call that has not been sent yet is recorded as
/// not sent, with an audit outcome for its intent. The runner waits for
/// the sends under way to settle before it summarises, so the summary and
/// the audit log say what was sent, not what passed the gate.
package final class RunSends: Sendable {
    private struct State {
        var run = 0
        var open = false
        var pending = 0
    }

    private let state = Mutex(State())

    /// A run starts: calls it makes may leave until `end`.
    package func begin() { state.withLock { $0.run += 1; $0.open = true } }

    /// The run is over: its calls not yet sent stay unsent.
    package func end() { state.withLock { $0.open = false } }

    /// The run a call passing the gate now belongs to.
    var current: Int { state.withLock { $0.run } }

    /// Whether a call of `run` may still leave.
    func mayLeave(_ run: Int) -> Bool { state.withLock { $0.open && $0.run == run } }

    /// Runs `body` counted as a send under way.
    func tracking<T>(_ body: () async throws -> T) async rethrows -> T {
        state.withLock { $0.pending += 1 }
        defer { state.withLock { $0.pending -= 1 } }
        return try await body()
    }

    /// Sends under way now.
    var pending: Int { state.withLock { $0.pending } }

    /// Waits until no send is under way, or `limit` has passed (a call
    /// Zoho does not answer stays in flight, outcome unknown).
    package func settle(within limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while pending > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// A call that never left because its run had ended.
package struct NotSent: Error, CustomStringConvertible {
    let reason: String?
    package var description: String {
        "not sent: the run ended before this call left" + (reason.map { " (\($0))" } ?? "")
    }
}
