import DeskGate
import Foundation
import JSONValue
import MCP
import PlanApply
import Runbooks
import ShellCore

/// The `undo` tool: the inverse plan of a run this server's target holds
/// (an apply of this or an earlier session, `zdsh runs` lists them), made and
/// stored like a dry run's plan — nothing is sent. The assistant shows it to
/// the user, and `apply_plan` applies it with every check a plan gets
/// (grants, caps, the user's confirmation, the drift check against what the
/// run left).
struct UndoTool {
    let target: DeskTarget
    let ledger: SessionLedger

    func plan(reverting runId: String, budget: Int) -> CallTool.Result {
        let undo: UndoPlan
        do { undo = try UndoPlan.make(reverting: runId, onto: target.planTarget) } catch {
            return ToolResults.structured(.object(["run_id": .string(runId), "status": .string("usage"),
                                                   "report": .string("\(error)")]), isError: true, budget: budget)
        }
        var fields: [String: JSON] = ["run_id": .string(runId), "status": .string("ok"),
                                      "not_undone": .array(undo.notUndone.map(JSON.string))]
        guard !undo.plan.calls.isEmpty else {
            fields["report"] = .string("nothing of run \(runId) can be reverted")
            return ToolResults.structured(.object(fields), budget: budget)
        }
        do { try store(undo) } catch {
            return ToolResults.structured(.object(["run_id": .string(runId), "status": .string("local_state"),
                                                   "report": .string("cannot save the undo plan: \(error)")]), isError: true, budget: budget)
        }
        fields["plan_id"] = .string(undo.plan.id)
        fields["plan"] = ToolResults.planJSON(undo.plan)
        fields["report"] = .string(undo.render())
        fields["next"] = .string("Show the user this plan and what it does not undo; once they agree, call apply_plan with plan_id \(undo.plan.id).")
        return ToolResults.structured(.object(fields), budget: budget)
    }

    /// Signed into the session's plan folder and stored for apply_plan.
    private func store(_ undo: UndoPlan) throws {
        let file = (target.planDirectory as NSString).appendingPathComponent("\(undo.plan.id).json")
        try undo.write(to: file)
        ledger.store(.init(id: undo.plan.id, path: file, planned: undo.plan.calls))
    }
}
