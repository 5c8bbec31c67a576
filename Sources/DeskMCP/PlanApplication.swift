import Foundation
@preconcurrency import DeskCore
import JSONValue
@preconcurrency import Shell

/// `apply_plan`: a plan an earlier dry run of this session made, applied by
/// its id through PlanApplier — so it is re-derived and re-checked exactly
/// as `zdsh apply` checks it, with the operator's grants from the server's
/// command line and what is left of the session's caps. A plan with
/// destructive calls is sent only after the human confirmed it through the
/// client (elicitation); a client that cannot ask gets a refusal.
struct PlanApplication {
    struct Outcome: Sendable {
        var status: ExitStatus
        var report: String
    }

    let target: DeskTarget
    let ledger: SessionLedger
    let confirmer: Confirmer

    func apply(planId: String) async -> Outcome {
        if target.configuration.readOnly {
            return Outcome(status: .denied, report: "refusing to apply plan \(planId): this MCP server runs --read-only; nothing was sent")
        }
        guard let stored = ledger.plan(id: planId) else {
            let known = ledger.planIds
            return Outcome(status: .usage, report: "no plan \(planId) in this session (plans made here: \(known.isEmpty ? "none yet — make one with a dry run" : known.joined(separator: ", ")))")
        }
        if let left = ledger.remainingCalls, stored.calls > left {
            return Outcome(status: .denied, report: "refusing to apply plan \(planId): its \(stored.calls) calls exceed what is left of this session's --max-calls (\(left)); nothing was sent")
        }
        let lines = OutputCollector()
        let configuration = target.configuration
        var options = Runner.Options()
        options.allow = configuration.allow
        options.deny = configuration.deny
        options.policyFile = configuration.policyFile
        options.allowAllDestructive = configuration.allowAllDestructive
        options.allowUnbounded = configuration.allowUnbounded
        options.maxDestructive = ledger.remainingDestructive
        options.auditPath = target.audit.path
        options.yes = false
        options.interactive = false
        var applier = PlanApplier(planPath: stored.path, options: options)
        applier.backend = target.backend
        applier.audit = target.audit
        applier.auditContext = ["via": .string("mcp"), "mcp_client": .string(ledger.clientName), "plan_id": .string(planId)]
        applier.progress = { lines.append($0 + "\n") }
        let confirmer = self.confirmer
        applier.confirm = { picture, destructive in
            guard destructive else { return true }
            switch await confirmer.confirm(plan: picture) {
            case .confirmed: return true
            case .refused(let why):
                lines.append("zdsh mcp: \(why)\n")
                return false
            }
        }
        let status = await applier.apply()
        if status == .ok {
            ledger.charge(calls: stored.calls, destructiveRecords: stored.destructiveRecords ?? 0)
        }
        return Outcome(status: status, report: lines.text)
    }
}
