import ArgumentParser
import CommandOptions
import DeskGate
import Foundation
import JSONValue
import PlanApply
import Runbooks
import ShellCore

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Send exactly the calls of a saved plan (zdsh run … --dry-run --plan-out PLAN).",
        discussion: """
            A plan is data, not authority: every call is derived again from its method and path through the \
            catalog, re-validated, and checked against this command's own --allow/--deny/--policy intersected \
            with what the runbook declares. A plan that was edited, names a call that disagrees with itself, \
            or holds a call that is not allowed is refused whole (exit 3) before anything is sent. The plan's \
            target (simulator or profile and org) is used unless --sim/--profile/--org name the same one. A \
            plan applies once, even when started twice at the same time (a lock per plan); a partly failed \
            apply resumes where it stopped when run again.

            Before the first call, every record the plan's writes change is read again: if a field changed since \
            the plan was made, apply shows each (field, plan's value, current value) and refuses with exit 6 \
            (stale plan), nothing sent. Plans older than --max-plan-age (24h) are refused the same way. \
            --refresh runs the plan's runbook again as a dry run against the current state, shows the new plan \
            and applies that one once confirmed (or with --yes).
            """)

    @Argument(help: "The plan file.")
    var plan: String

    @Option(name: .customLong("param"), help: "Expected runbook parameter, key=value (checked against the plan).")
    var params: [String] = []

    @Flag(name: .long, help: "Apply a plan again that was already applied completely.")
    var force = false

    @Flag(name: .customLong("skip-drifted"), help: "Leave out (and list) the calls whose records changed since the plan was made, instead of refusing the plan (exit 6).")
    var skipDrifted = false

    @Flag(name: .long, help: "Make a new plan first: run the plan's runbook again as a dry run against the current state (saved as NAME.refreshed.json), show it, and apply that one.")
    var refresh = false

    @Option(name: .customLong("max-plan-age"), help: ArgumentHelp("Refuse plans older than this (e.g. 90m, 24h, 7d) as stale, exit 6.", valueName: "DURATION"))
    var maxPlanAge = "24h"

    func validate() throws {
        guard PlanAge.parse(maxPlanAge) != nil else {
            throw ValidationError("--max-plan-age \(maxPlanAge): a positive duration expected, e.g. 90m, 24h, 7d")
        }
    }

    @OptionGroup var target: TargetOptions
    @OptionGroup var sandbox: SandboxOptions

    func run() async throws {
        var options = Runner.Options()
        target.apply(to: &options, sandbox: sandbox)
        options.parameters = try ParameterArguments.parse(params)
        var path = plan
        if refresh {
            switch await PlanRefresh(planPath: plan, options: options).makePlan() {
            case .plan(let refreshed): path = refreshed
            case .failed(let status): throw ExitCode(status.rawValue)
            }
            // The refreshed plan carries the parameters it was made with.
            options.parameters = [:]
        }
        var applier = PlanApplier(planPath: path, options: options)
        applier.force = force
        applier.skipDrifted = skipDrifted
        applier.maxPlanAge = PlanAge.parse(maxPlanAge) ?? PlanAge.defaultMaximum
        throw ExitCode(await applier.apply().rawValue)
    }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read the audit log.", subcommands: [Tail.self])

    struct Tail: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tail",
            abstract: "Show the most recent audit records.",
            discussion: "Production runs are in audit.jsonl, simulator runs in audit-sim.jsonl (--sim).")

        @Option(name: [.customShort("n"), .customLong("count")], help: "How many records.")
        var count = 20

        @Option(name: .long, help: "Audit log file (default $XDG_STATE_HOME/zdsh/audit.jsonl).")
        var file: String?

        @Flag(name: .long, help: "Read the simulator's log (audit-sim.jsonl).")
        var sim = false

        @Option(name: .customLong("run"), help: "Only records of this run id (zdsh runs lists them).")
        var runId: String?

        @Option(name: .long, help: "Only records of this profile.")
        var profile: String?

        @Option(name: .long, help: "Only records of this operation (operationId or the name it was called as).")
        var operation: String?

        @Option(name: .long, help: ArgumentHelp("Only records from this time on: \(TimeBound.help).", valueName: "when"))
        var since: String?

        @Option(name: .long, help: ArgumentHelp("Only records up to this time: \(TimeBound.help).", valueName: "when"))
        var until: String?

        @Flag(name: [.customShort("f"), .long], help: "Keep printing records as they are appended (Ctrl-C to stop).")
        var follow = false

        @Flag(name: .long, help: "Print one JSON array of the records (with -f: one JSON record per line).")
        var json = false

        @OptionGroup var output: OutputOptions

        @OptionGroup var colour: ColorOptions

        func validate() throws {
            for (flag, value) in [("--since", since), ("--until", until)] {
                if let value, TimeBound.parse(value) == nil {
                    throw ValidationError("\(flag) \(Terminal.visible(value)): expected \(TimeBound.help)")
                }
            }
            if follow, let format = try output.format(), format != .json, format != .text {
                throw ValidationError("-f prints records as they come: use it with text or --json, not -o table or csv")
            }
        }

        func run() throws {
            let format = try output.listFormat(json: self.json)
            let json = format == .json
            let path = file ?? (sim ? AuditLog.simulatorPath() : AuditLog.defaultPath())
            var query = AuditQuery(run: runId, profile: profile, operation: operation, count: count)
            query.since = since.flatMap { TimeBound.parse($0) }
            query.until = until.flatMap { TimeBound.parse($0) }
            let (records, end) = try query.tail(path: path)
            if records.isEmpty && !follow { Terminal.error("no matching audit records in \(Terminal.visible(path))") }
            if json && !follow {
                CommandOutput.document(.array(records))
                return
            }
            let list = RecordListOutput(format: format, defaultColumns: ["time", "run_id", "phase", "called_as", "method", "path", "ids", "status"])
            if list.print(records) { return }
            // The log holds what runbooks and the API said: on a terminal even
            // the raw lines are shown escaped.
            let onTerminal = isatty(STDOUT_FILENO) != 0
            func show(_ r: JSON) {
                print(json ? (onTerminal ? Terminal.visible(r.encoded()) : r.encoded()) : AuditLog.humanLine(r, colour: colour.colour))
                fflush(nil)
            }
            records.forEach(show)
            if follow { query.follow(path: path, from: end, emit: show) }
        }
    }
}
