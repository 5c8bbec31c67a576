import ArgumentParser
import CommandOptions
import DeskGate
import Foundation
import JSONValue
import PlanApply
import Runbooks
import ShellCore

/// `zdsh undo RUN_ID`: the inverse plan of a run, shown, then applied like
/// `zdsh apply` (or only shown, or saved for `zdsh apply`).
struct UndoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Revert what a run changed: build the inverse plan of RUN_ID (zdsh runs lists them), show it and apply it.",
        discussion: """
            Field updates are set back to the values they had before the run (read just before each write; \
            --no-undo on the run skips that read), membership adds are removed and removes added back, records \
            moved to the recycle bin are restored, records created are deleted. Calls nothing reverts (replies \
            and e-mails sent, hard deletes, anything without an inverse in catalog/inverses.tsv) are listed as \
            not undone. The inverse plan is a normal signed plan, applied under this command's grants \
            (--allow for its destructive calls), caps and confirmation. Before anything is sent every record \
            it reverts is read again: a record someone changed since the run is not reverted blindly — apply \
            refuses (exit 6) and lists the changes, or with --skip-drifted reverts the others.
            """)

    @Argument(help: "The run to revert (an id from zdsh runs: a runbook run, an eval, an apply).", completion: ValueCompletions.runIds)
    var runId: String

    @Option(name: .customLong("plan-out"), help: "Save the signed inverse plan to this file (apply it later with zdsh apply).")
    var planOut: String?

    @Flag(name: .customLong("skip-drifted"), help: "Leave out (and list) the records changed since the run instead of refusing the whole undo.")
    var skipDrifted = false

    @OptionGroup var target: TargetOptions
    @OptionGroup var sandbox: SandboxOptions

    func run() async throws {
        let undo: UndoPlan
        do { undo = try UndoPlan.make(reverting: runId) } catch {
            Terminal.error("zdsh: \(error)")
            throw ExitCode(error is LocalStateError ? ExitStatus.stateUnwritable.rawValue : ExitStatus.usage.rawValue)
        }
        let showOnly = target.dryRun || undo.plan.calls.isEmpty
        // --json: the inverse plan and what it leaves is the one document on stdout.
        if showOnly && target.json { CommandOutput.document(Self.document(undo)) }
        else if showOnly { Terminal.error(undo.render()) }
        else if !undo.notUndone.isEmpty { Terminal.error(Self.notUndoneLines(undo)) }
        // Saved even when empty: what it does not undo is part of the plan.
        if undo.plan.calls.isEmpty && planOut == nil { return }
        let path = planOut ?? Self.temporaryPath(undo.plan.id)
        try undo.write(to: path)
        defer { if planOut == nil { try? FileManager.default.removeItem(atPath: path) } }
        if let planOut { Terminal.error("zdsh: undo plan saved to \(planOut) — apply it with: zdsh apply \(planOut)") }
        if target.dryRun || undo.plan.calls.isEmpty { return }
        var options = Runner.Options()
        target.apply(to: &options, sandbox: sandbox)
        var applier = PlanApplier(planPath: path, options: options)
        applier.skipDrifted = skipDrifted
        throw ExitCode(await applier.apply().rawValue)
    }

    /// `undo --dry-run --json`: the run it reverts, the calls it would send
    /// (as a plan's calls), and what it leaves as it is.
    static func document(_ undo: UndoPlan) -> JSON {
        .object(["reverts": .string(undo.plan.reverts ?? ""), "plan_id": .string(undo.plan.id),
                 "calls": .array(undo.plan.calls.map(\.json)),
                 "not_undone": .array(undo.notUndone.map(JSON.string))])
    }

    static func notUndoneLines(_ undo: UndoPlan) -> String {
        "zdsh: the undo of run \(undo.plan.reverts ?? "?") leaves \(undo.notUndone.count) call\(undo.notUndone.count == 1 ? "" : "s") as they are:\n"
            + undo.notUndone.prefix(100).map { "  " + $0 }.joined(separator: "\n")
    }

    /// A private file for the plan while it is applied.
    static func temporaryPath(_ id: String) -> String {
        let dir = (Journal.defaultPath() as NSString).deletingLastPathComponent
        return (dir as NSString).appendingPathComponent("undo-\(id).json")
    }
}
