import ArgumentParser
import Foundation
import Shell

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
            plan applies once; a partly failed apply resumes where it stopped when run again.
            """)

    @Argument(help: "The plan file.")
    var plan: String

    @Option(name: .customLong("param"), help: "Expected runbook parameter, key=value (checked against the plan).")
    var params: [String] = []

    @Flag(name: .long, help: "Apply a plan again that was already applied completely.")
    var force = false

    @OptionGroup var target: TargetOptions
    @OptionGroup var sandbox: SandboxOptions

    func run() async throws {
        var options = Runner.Options()
        target.apply(to: &options, sandbox: sandbox)
        for p in params {
            guard let eq = p.firstIndex(of: "=") else { throw ValidationError("--param expects key=value") }
            let key = String(p[..<eq])
            guard options.parameters[key] == nil else { throw ValidationError("--param \(key) is given twice; give each parameter once") }
            options.parameters[key] = String(p[p.index(after: eq)...])
        }
        var applier = PlanApplier(planPath: plan, options: options)
        applier.force = force
        throw ExitCode(await applier.apply().rawValue)
    }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read the audit log.", subcommands: [Tail.self])

    struct Tail: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the most recent audit records.")

        @Option(name: [.customShort("n"), .customLong("count")], help: "How many records.")
        var count = 20

        @Option(name: .long, help: "Audit log file (default $XDG_STATE_HOME/zdsh/audit.jsonl).")
        var file: String?

        @Flag(name: .long, help: "Print the raw JSON lines.")
        var json = false

        func run() throws {
            let path = file ?? AuditLog.defaultPath()
            let records = try AuditLog.tail(path: path, count: count)
            if records.isEmpty { Terminal.error("no audit records in \(Terminal.visible(path))") }
            // The log holds what runbooks and the API said: on a terminal even
            // the raw lines are shown escaped.
            let onTerminal = isatty(STDOUT_FILENO) != 0
            for r in records {
                if json { print(onTerminal ? Terminal.visible(r.encoded()) : r.encoded()); continue }
                print(AuditLog.humanLine(r))
            }
        }
    }
}
