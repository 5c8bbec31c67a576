import DeskCore
import DeskGate
import Foundation
import JSONValue
import PlanApply
import Runbooks
import ShellCore
import Synchronization

/// `apply_plan` (and `run_lua` with dry_run false, which plans first): a
/// plan a dry run of this session made, applied by its id through
/// PlanApplier — re-derived and re-checked exactly as `zdsh apply` checks it,
/// with the operator's grants from the server's command line.
///
/// One apply per plan id: concurrent calls for one id are refused while it
/// is being applied, and once applied it stays applied. The session's caps
/// are reserved for the whole plan before anything is sent, under the
/// session's apply lock, and what was not sent is given back afterwards —
/// so every record sent is charged, whatever the apply's outcome.
struct PlanApplication {
    struct Outcome: Sendable {
        var status: ExitStatus
        var report: String
        var sentCalls = 0
        var confirmation: String?
    }

    let target: DeskTarget
    let ledger: SessionLedger
    let confirmer: Confirmer
    /// Who asked, for the audit (the MCP client, and over HTTP the token's holder).
    let caller: [String: JSON]

    func apply(planId: String) async -> Outcome {
        if target.configuration.readOnly {
            return Outcome(status: .denied, report: "refusing to apply plan \(planId): this MCP server is read-only; nothing was sent")
        }
        let stored: SessionLedger.StoredPlan
        switch ledger.claim(planId) {
        case .success(let plan): stored = plan
        case .failure(.unknown(let known)):
            return Outcome(status: .usage, report: "no plan \(planId) in this session (plans made here: \(known.isEmpty ? "none yet — make one with a dry run" : known.joined(separator: ", ")))")
        case .failure(.inProgress):
            return Outcome(status: .usage, report: "plan \(planId) is being applied by another call right now; nothing was sent by this one. Wait for that call's answer")
        case .failure(.expired):
            return Outcome(status: .usage, report: "plan \(planId) is older than a day and no longer applies; make a new dry run (the world may have changed)")
        case .failure(.applied):
            return Outcome(status: .usage, report: "plan \(planId) was already applied; a plan applies once. Make a new dry run for further changes")
        }
        let outcome = await ledger.applies.run { await self.applyClaimed(stored) }
        ledger.release(planId, applied: outcome.status == .ok)
        return outcome
    }

    /// Runs under the session's apply lock: reserve, confirm, send, charge.
    private func applyClaimed(_ stored: SessionLedger.StoredPlan) async -> Outcome {
        let budget = ledger.budget
        let reservedDestructive = stored.destructiveRecords ?? 0
        let remainingDestructive = budget.remainingDestructive, remainingWrites = budget.remainingWrites
        if let refusal = budget.take(calls: stored.calls, destructive: reservedDestructive, writes: stored.writeRecords) {
            return Outcome(status: .denied, report: "refusing to apply plan \(stored.id): \(refusal); nothing was sent")
        }
        let applyId = DeskTarget.newRunId()
        let lines = OutputCollector()
        let answer = AnswerBox()
        var applier = PlanApplier(planPath: stored.path, options: options(maxDestructive: remainingDestructive, maxWrites: remainingWrites))
        applier.backend = target.backend
        applier.audit = target.audit
        var context = target.auditContext(runId: applyId, client: ledger.clientName)
        context.merge(caller) { _, new in new }
        context["plan_id"] = .string(stored.id)
        context["plan_path"] = .string(stored.path)
        context["mcp_apply"] = .string(applyId)
        context.removeValue(forKey: "run_id")
        applier.auditContext = context
        applier.progress = { lines.append($0 + "\n") }
        applier.confirm = { picture, _ in
            let verdict = await confirmation(for: stored, picture: picture)
            answer.value.withLock { $0 = verdict.answer }
            if let why = verdict.why { lines.append("zdsh mcp: \(why)\n") }
            return verdict.why == nil
        }
        let status = await applier.apply()
        // Unreadable audit: keep the whole reservation charged (the safe side).
        let sent = SentCalls.count(in: target.audit, applyId: applyId, reserved: stored.calls)
            ?? (stored.calls, reservedDestructive, stored.writeRecords)
        budget.giveBack(calls: max(0, stored.calls - sent.calls), destructive: max(0, reservedDestructive - sent.destructive),
                        writes: max(0, stored.writeRecords - sent.writes))
        let given = answer.value.withLock { $0 }
        if let given { auditConfirmation(given, plan: stored, context: context) }
        return Outcome(status: status, report: lines.text, sentCalls: sent.calls, confirmation: given)
    }

    private func options(maxDestructive: Int, maxWrites: Int?) -> Runner.Options {
        let configuration = target.configuration
        var options = Runner.Options()
        options.allow = configuration.allow
        options.deny = configuration.deny
        options.policyFile = configuration.policyFile
        options.allowAllDestructive = configuration.allowAllDestructive
        options.allowUnbounded = configuration.allowUnbounded
        options.maxDestructive = maxDestructive
        options.maxWrites = maxWrites
        options.auditPath = target.audit.path
        options.yes = true
        options.interactive = false
        return options
    }

    /// Asks the human when the operator's --confirm rule says so.
    private func confirmation(for stored: SessionLedger.StoredPlan, picture: String) async -> (answer: String, why: String?) {
        guard let reason = target.configuration.confirm.reason(for: stored.needs) else { return ("not_needed", nil) }
        let hint = "`zdsh apply \(stored.path)`"
        switch await confirmer.confirm(plan: picture, reason: reason, terminalHint: hint) {
        case .confirmed: return ("confirmed", nil)
        case .refused(let answer, let why): return (answer, why)
        }
    }

    /// The human's answer is part of the record: who was asked, about what, and what they said.
    private func auditConfirmation(_ answer: String, plan: SessionLedger.StoredPlan, context: [String: JSON]) {
        var r = context
        r["time"] = .string(UTCTimestamp.string())
        r["phase"] = .string("confirmation")
        r["answer"] = .string(answer)
        r["run_id"] = .string("plan-\(plan.id)")
        try? target.audit.append(.object(r))
    }
}

/// What an apply actually sent, read back from its audit records (each sent
/// call has an outcome record, whatever Zoho answered).
enum SentCalls {
    static func count(in audit: AuditLog, applyId: String, reserved: Int) -> (calls: Int, destructive: Int, writes: Int)? {
        guard let records = try? AuditLog.tail(path: audit.path, count: max(2000, reserved * 4 + 500)) else { return nil }
        var calls = 0, destructive = 0, writes = 0
        for r in records where r["mcp_apply"]?.stringValue == applyId && r["phase"]?.stringValue == "outcome" {
            calls += 1
            let records = Int(r["records"]?.intValue ?? 1)
            switch r["safety"]?.stringValue {
            case "destructive": destructive += records
            case "write": writes += records
            default: break
            }
        }
        return (calls, destructive, writes)
    }
}

/// The human's answer, written by the confirmation callback and read after the apply.
final class AnswerBox: Sendable {
    let value = Mutex<String?>(nil)
}
