import Synchronization

/// Caps shared by several gates (the runs and applies of one MCP session):
/// the check and the charge happen under one lock, so concurrent runs cannot
/// each see the same remainder and together go past it.
public final class CallBudget: Sendable {
    struct Used: Sendable {
        var calls = 0
        var destructive = 0
    }

    public let maxCalls: Int?
    public let maxDestructive: Int
    private let used = Mutex(Used())

    public init(maxCalls: Int?, maxDestructive: Int) {
        self.maxCalls = maxCalls; self.maxDestructive = maxDestructive
    }

    /// Takes `calls` calls and `destructive` records if both fit; otherwise
    /// takes nothing and answers why, in words an assistant can act on.
    public func take(calls: Int, destructive: Int) -> String? {
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
    public func giveBack(calls: Int, destructive: Int) {
        used.withLock { u in
            u.calls = max(0, u.calls - calls); u.destructive = max(0, u.destructive - destructive)
        }
    }

    public var remainingCalls: Int? { used.withLock { u in maxCalls.map { max(0, $0 - u.calls) } } }
    public var remainingDestructive: Int { used.withLock { u in max(0, maxDestructive - u.destructive) } }
    public var callsUsed: Int { used.withLock { $0.calls } }
    public var destructiveUsed: Int { used.withLock { $0.destructive } }
}
