import ArgumentParser
import Foundation
import Shell

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Send exactly the calls of a saved plan (zdsh run … --dry-run --plan-out PLAN).",
        discussion: "Refuses when the runbook's content, the parameters, the profile or the org differ from the plan's.")

    @Argument(help: "The plan file.")
    var plan: String

    @Option(name: .customLong("param"), help: "Expected runbook parameter, key=value (checked against the plan).")
    var params: [String] = []

    @OptionGroup var target: TargetOptions
    @OptionGroup var sandbox: SandboxOptions

    func run() async throws {
        var options = Runner.Options()
        target.apply(to: &options, sandbox: sandbox)
        for p in params {
            guard let eq = p.firstIndex(of: "=") else { throw ValidationError("--param expects key=value") }
            options.parameters[String(p[..<eq])] = String(p[p.index(after: eq)...])
        }
        throw ExitCode(await PlanApplier(planPath: plan, options: options).apply().rawValue)
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
