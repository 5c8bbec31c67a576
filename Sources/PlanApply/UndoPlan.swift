import DeskCore
import DeskGate
import Foundation
import JSONValue
import Runbooks
import ShellCore

/// `zdsh undo RUN_ID`'s plan: the inverse of what a run sent, as a normal
/// plan — signed, shown with the plan view, applied by `zdsh apply` with its
/// grants, caps, confirmation and drift check. Its calls' `before` values
/// are what the run left on each record (as Zoho answered), so apply refuses
/// to revert a record someone changed since (exit 6), unless --skip-drifted.
package struct UndoPlan: Sendable {
    package let plan: Plan
    /// The run's calls this plan does not revert, one line each.
    package var notUndone: [String] { plan.notUndone }

    /// The inverse plan of `runId` (any run `zdsh runs` lists: a runbook,
    /// an eval, an apply). Usage errors for a run that is unknown, or whose
    /// changes cannot be reached any more (the in-process simulator).
    /// `onto`: the target a caller already holds (the MCP server's), which
    /// must be the run's; its simulator then still holds the run's changes.
    package static func make(reverting runId: String, onto held: PlanTarget? = nil,
                            journalPath: String = Journal.defaultPath()) throws -> UndoPlan {
        guard runId.count <= 100, runId.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw UsageError("\(Terminal.visible(runId)) is not a run id (zdsh runs lists them)")
        }
        let registry = try RunRegistry(path: journalPath)
        guard let run = try registry.run(id: runId) else {
            throw UsageError("no run \(runId) (zdsh runs lists the runs this user made here)")
        }
        if let held, held.simulator != run.simulator || (!held.simulator && (held.profile != run.profile || held.org != run.org)) {
            throw UsageError("run \(runId) ran on \(run.simulator ? "a simulator" : "profile \(Terminal.visible(run.profile))"), not on \(held.described)")
        }
        if run.simulator && held == nil {
            throw UsageError("run \(runId) ran on the built-in simulator, whose changes ended with its process: there is nothing to undo")
        }
        if run.state == .dryRun { throw UsageError("run \(runId) was a dry run: it sent no change to undo") }
        if run.effectiveState == RunRegistry.State.running.rawValue {
            throw UsageError("run \(runId) is still running (pid \(run.pid)); undo it once it has ended")
        }
        // Twice would delete what the first undo deleted, and restore what it restored.
        if let undone = try registry.undone(run: runId) {
            throw UsageError("run \(runId) was already undone by \(undone.id) (\(undone.started)); to take that back: zdsh undo \(undone.id)")
        }
        let entries = try Journal.undoEntries(run: runId, path: journalPath)
        let (calls, notUndone) = UndoPlanner(entries: entries).plan()
        var plan = Plan(id: Runner.newRunId(), runbook: nil, sha256: nil, parameters: .object([:]),
                        target: held ?? PlanTarget(simulator: false, fixture: nil, profile: run.profile, org: run.org), calls: calls)
        plan.reverts = runId
        plan.notUndone = notUndone.map(\.line)
        return UndoPlan(plan: plan)
    }

    /// The plan view, then what it does not revert.
    package func render() -> String {
        var out = "undo of run \(plan.reverts ?? "?") — " + (plan.calls.isEmpty ? "no call to send" : plan.render())
        if !notUndone.isEmpty {
            out += "\n  not undone (\(notUndone.count) call\(notUndone.count == 1 ? "" : "s")):\n"
                + notUndone.prefix(100).map { "    " + $0 }.joined(separator: "\n")
                + (notUndone.count > 100 ? "\n    … \(notUndone.count - 100) more" : "")
        }
        return out
    }

    /// Writes the plan signed to `path`.
    package func write(to path: String) throws {
        let signed = try PlanSignature.sign(plan.json)
        do { try Data((signed.encoded(.pretty) + "\n").utf8).write(to: URL(fileURLWithPath: path)) } catch {
            throw LocalStateError("undo plan \(path)", error)
        }
    }
}
