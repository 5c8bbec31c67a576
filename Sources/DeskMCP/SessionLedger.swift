import Foundation
import JSONValue

/// What one MCP session has used and made: the caps count across every tool
/// call (an assistant cannot reset them by starting another run), the plans
/// its dry runs produced, and who the client said it is.
final class SessionLedger: @unchecked Sendable {
    struct StoredPlan: Sendable {
        let id: String
        let path: String
        /// Records its destructive calls affect (nil: an unbounded set).
        let destructiveRecords: Int?
        let calls: Int
    }

    private let lock = NSLock()
    private var destructiveUsed = 0
    private var callsUsed = 0
    private var plans: [String: StoredPlan] = [:]
    private var client = "unknown client"
    private var clientCanAsk = false

    let maxDestructive: Int
    let maxCalls: Int?

    init(maxDestructive: Int, maxCalls: Int?) {
        self.maxDestructive = maxDestructive; self.maxCalls = maxCalls
    }

    func identify(client name: String, version: String, canAsk: Bool) {
        lock.withLock { client = "\(name) \(version)"; clientCanAsk = canAsk }
    }

    var clientName: String { lock.withLock { client } }
    var canAsk: Bool { lock.withLock { clientCanAsk } }

    /// What is left of the session's caps for the next run or apply.
    var remainingDestructive: Int { lock.withLock { max(0, maxDestructive - destructiveUsed) } }
    var remainingCalls: Int? { lock.withLock { maxCalls.map { max(0, $0 - callsUsed) } } }

    func charge(calls: Int, destructiveRecords: Int) {
        lock.withLock { callsUsed += calls; destructiveUsed += destructiveRecords }
    }

    func store(_ plan: StoredPlan) { lock.withLock { plans[plan.id] = plan } }
    func plan(id: String) -> StoredPlan? { lock.withLock { plans[id] } }
    var planIds: [String] { lock.withLock { plans.keys.sorted() } }
}
