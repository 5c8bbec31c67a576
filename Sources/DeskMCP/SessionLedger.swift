import DeskGate
import Foundation
import JSONValue
import Synchronization

/// What one MCP session has used and made: the caps count across every tool
/// call (an assistant cannot reset them by starting another run), the plans
/// its dry runs produced and whether each is being or was applied, and who
/// the client said it is.
final class SessionLedger: Sendable {
    struct StoredPlan: Sendable {
        let id: String
        let path: String
        /// Records its destructive calls affect (nil: an unbounded set).
        let destructiveRecords: Int?
        /// Records its writes (notify calls too) affect, bounded ones counted.
        let writeRecords: Int
        let calls: Int
        /// What decides whether a human confirms it (see ConfirmationRule).
        let needs: ConfirmationRule.Facts
        /// When the dry run made it; past DeskTarget.planLifetime it no longer applies.
        var made = Date()
    }

    /// Why a plan cannot be claimed for applying.
    enum ClaimRefusal: Error, Sendable {
        case unknown(known: [String])
        case inProgress
        case applied
        case expired
    }

    private struct State: Sendable {
        var plans: [String: StoredPlan] = [:]
        var applying: Set<String> = []
        var applied: Set<String> = []
        var client = "unknown client"
        var clientCanAsk = false
    }

    private let state = Mutex(State())
    /// The caps, shared by every run and apply of the session.
    let budget: CallBudget
    /// Applies of this session run one at a time: the cap check, the
    /// confirmation, the sending and the charge form one step.
    let applies = SerialLock()

    /// `budget` may be shared beyond the session (over HTTP: one per token).
    init(budget: CallBudget) {
        self.budget = budget
    }

    func identify(client name: String, version: String, canAsk: Bool) {
        state.withLock { $0.client = "\(name) \(version)"; $0.clientCanAsk = canAsk }
    }

    var clientName: String { state.withLock { $0.client } }
    /// Whether the client declared form elicitation (a URL-only client cannot ask).
    var canAsk: Bool { state.withLock { $0.clientCanAsk } }

    func store(_ plan: StoredPlan) { state.withLock { $0.plans[plan.id] = plan } }
    var planIds: [String] { state.withLock { $0.plans.keys.sorted() } }
    func plan(id: String) -> StoredPlan? { state.withLock { $0.plans[id] } }

    /// Marks the plan as being applied, atomically: of concurrent calls for
    /// one plan id exactly one gets it; the others are refused.
    func claim(_ id: String) -> Result<StoredPlan, ClaimRefusal> {
        state.withLock { s in
            guard let plan = s.plans[id] else { return .failure(.unknown(known: s.plans.keys.sorted())) }
            if s.applied.contains(id) { return .failure(.applied) }
            if s.applying.contains(id) { return .failure(.inProgress) }
            if Date().timeIntervalSince(plan.made) > DeskTarget.planLifetime { return .failure(.expired) }
            s.applying.insert(id)
            return .success(plan)
        }
    }

    /// Ends a claim: an applied plan stays applied; otherwise (refused,
    /// declined, partly sent) it may be applied again, which resumes it.
    func release(_ id: String, applied: Bool) {
        state.withLock { s in
            s.applying.remove(id)
            if applied { s.applied.insert(id) }
        }
    }
}

/// A lock for async code: bodies run one at a time, in arrival order.
actor SerialLock {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        await acquire()
        let value = await body()
        release()
        return value
    }

    private func acquire() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}

extension SessionLedger.StoredPlan {
    /// The plan of these planned calls, stored at `path`: what its calls
    /// take from the session's caps and what decides its confirmation.
    init(id: String, path: String, planned calls: [CallRecord]) {
        let destructive = calls.filter { $0.safety == .destructive }
        self.init(id: id, path: path,
                  destructiveRecords: destructive.contains { $0.records == nil } ? nil : destructive.reduce(0) { $0 + ($1.records ?? 0) },
                  writeRecords: calls.filter { $0.safety == .write }.reduce(0) { $0 + ($1.records ?? 0) },
                  calls: calls.count, needs: ConfirmationRule.Facts(calls: calls))
    }
}
