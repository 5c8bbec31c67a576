import Synchronization

/// Caps shared by several gates (the runs and applies of one MCP session):
/// the check and the charge happen under one lock, so concurrent runs cannot
/// each see the same remainder and together go past it.
package final class CallBudget: Sendable {
    struct Used: Sendable {
        var calls = 0
        var destructive = 0
        var writes = 0
    }

    package let maxCalls: Int?
    package let maxDestructive: Int
    /// Records writes (notify calls too) may affect (nil: no cap).
    package let maxWrites: Int?
    private let used = Mutex(Used())

    package init(maxCalls: Int?, maxDestructive: Int, maxWrites: Int? = nil) {
        self.maxCalls = maxCalls; self.maxDestructive = maxDestructive; self.maxWrites = maxWrites
    }

    /// Takes `calls` calls, `destructive` and `writes` records if all fit;
    /// otherwise takes nothing and answers why, in words an assistant can act on.
    package func take(calls: Int, destructive: Int, writes: Int = 0) -> String? {
        used.withLock { u in
            if let max = maxCalls, u.calls + calls > max {
                return "this session's call cap (--max-calls \(max)) is used up: \(u.calls) call\(u.calls == 1 ? "" : "s") made, \(calls) more asked; nothing more can be sent in this session"
            }
            if u.destructive + destructive > maxDestructive {
                return "this session's destructive cap (--max-destructive \(maxDestructive) records) would be passed: \(u.destructive) used, \(destructive) more asked"
            }
            if let max = maxWrites, u.writes + writes > max {
                return "this session's write cap (--max-writes \(max) records) would be passed: \(u.writes) used, \(writes) more asked"
            }
            u.calls += calls; u.destructive += destructive; u.writes += writes
            return nil
        }
    }

    /// Returns what was taken but not sent (a reservation larger than what went out).
    package func giveBack(calls: Int, destructive: Int, writes: Int = 0) {
        used.withLock { u in
            u.calls = max(0, u.calls - calls); u.destructive = max(0, u.destructive - destructive)
            u.writes = max(0, u.writes - writes)
        }
    }

    package var remainingCalls: Int? { used.withLock { u in maxCalls.map { max(0, $0 - u.calls) } } }
    package var remainingDestructive: Int { used.withLock { u in max(0, maxDestructive - u.destructive) } }
    package var remainingWrites: Int? { used.withLock { u in maxWrites.map { max(0, $0 - u.writes) } } }
    package var callsUsed: Int { used.withLock { $0.calls } }
    package var destructiveUsed: Int { used.withLock { $0.destructive } }
}
