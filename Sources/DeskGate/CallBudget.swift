import Synchronization

/// Caps shared by several gates (the runs and applies of one MCP session):
/// the check and the charge happen under one lock, so concurrent runs cannot
/// each see the same remainder and together go past it.
package final class CallBudget: Sendable {
    struct Used: Sendable {
        var calls = 0
        var destructive = 0
    }

    package let maxCalls: Int?
    package let maxDestructive: Int
    private let used = Mutex(Used())

    package init(maxCalls: Int?, maxDestructive: Int) {
        self.maxCalls = maxCalls; self.maxDestructive = maxDestructive
    }

    /// Takes `calls` calls and `destructive` records if both fit; otherwise
    /// takes nothing and answers why, in words an assistant can act on.
    package func take(calls: Int, destructive: Int) -> String? {
        used.withLock { u in
            if let max = maxCalls, u.calls + calls > max {
                return "this session's call cap (--max-calls \(max)) is used up: \(u.calls) call\(u.calls == 1 ? "" : "s") made, \(calls) more asked; nothing more can be sent in this session"
            }
            if u.destructive + destructive > maxDestructive {
                return "this session's destructive cap (--max-destructive \(maxDestructive) records) would be passed: \(u.destructive) used, \(destructive) more asked"
            }
            u.calls += calls; u.destructive += destructive
            return nil
        }
    }

    /// Returns what was taken but not sent (a reservation larger than what went out).
    package func giveBack(calls: Int, destructive: Int) {
        used.withLock { u in
            u.calls = max(0, u.calls - calls); u.destructive = max(0, u.destructive - destructive)
        }
    }

    package var remainingCalls: Int? { used.withLock { u in maxCalls.map { max(0, $0 - u.calls) } } }
    package var remainingDestructive: Int { used.withLock { u in max(0, maxDestructive - u.destructive) } }
    package var callsUsed: Int { used.withLock { $0.calls } }
    package var destructiveUsed: Int { used.withLock { $0.destructive } }
}
