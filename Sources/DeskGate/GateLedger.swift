import LuaHost
import Synchronization

/// What changes as calls pass the gate, owned in one place behind one lock:
/// the policy and settings (the REPL changes them between inputs), the call
/// records, the confirmations given, and the counts the caps check.
package final class GateLedger: Sendable {
    struct State: Sendable {
        var policy = Policy()
        var settings = CallGate.Settings()
        var host = WeakHost(value: nil)
        var records: [CallRecord] = []
        /// Operations the operator confirmed: a confirmation covers what it
        /// showed, and a destructive call of any other operation asks again.
        var confirmedOperations: Set<String> = []
        /// Records affected by destructive calls so far (the cap counts these).
        var destructiveCount = 0
        /// Records affected by writes so far (notify calls included; --max-writes counts these).
        var writeCount = 0
        /// The operator agreed to writes past the confirmation threshold.
        var writesConfirmed = false
        var callCount = 0
        /// zdsh's own files that could not be written, each reason once.
        var stateFailures: [String] = []
        /// A call was not sent because its audit intent or in-flight mark failed.
        var stoppedForLocalState = false
    }

    private let state = Mutex(State())

    /// Runs `body` with the state locked. Never call back into the gate
    /// from `body`: the lock is not reentrant.
    func withLock<T: Sendable>(_ body: (inout State) -> T) -> T {
        state.withLock { body(&$0) }
    }
}

/// The host a cap stops, not retained (the host owns the session that owns the gate).
package struct WeakHost: Sendable {
    weak var value: LuaHost?
}
