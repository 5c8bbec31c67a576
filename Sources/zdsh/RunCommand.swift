import ArgumentParser
import CommandOptions
import Foundation
import Runbooks
import ScenarioTesting

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a runbook (or any Lua file) in the sandbox.",
        discussion: """
            Destructive and notify operations must be declared by the runbook and granted with --allow;
            writes must be declared (writes = {…}) and, with no --max-writes of 10 or less, confirmed at the start.
            Example: zdsh run stdlib/examples/retire_label.lua --sim --param label=... --allow 'helpcenter.labels.*' --yes
            """)

    @Argument(help: "The runbook file.")
    var file: String

    @Option(name: .customLong("param"), help: "A runbook parameter, key=value (repeatable).", completion: ValueCompletions.parameters)
    var params: [String] = []

    @Option(name: .customLong("plan-out"), help: "With --dry-run: save the plan as JSON for zdsh apply.")
    var planOut: String?

    @Option(name: .long, help: "Resume run RUN_ID: skip the calls that already succeeded in it.", completion: ValueCompletions.runIds)
    var resume: String?

    @Option(name: .long, help: "Record every request and response in a cassette file (secrets scrubbed) for replay in zdsh test.")
    var record: String?

    @Flag(name: .customLong("describe"), help: "Show the runbook's parameters and declared operations, then exit.")
    var describeOnly = false

    @OptionGroup var target: TargetOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var sandbox: SandboxOptions

    func run() async throws {
        if describeOnly {
            throw ExitCode(DescribeCommand.describe(file: file, limits: sandbox.limits).rawValue)
        }
        try await Self.execute(file: file, options: runnerOptions())
    }

    func runnerOptions() throws -> Runner.Options {
        var options = Runner.Options()
        target.apply(to: &options, sandbox: sandbox)
        // Bulk work against Zoho (200–600 ms a call) outlasts any fixed limit:
        // a run against a profile has none unless --timeout sets one.
        if sandbox.timeout == nil && !target.desk.sim { options.limits.timeout = nil }
        try output.apply(to: &options)
        options.planOut = planOut
        // A plain script that calls no API needs no profile; a runbook still
        // fails before it starts when there is none (see Runner).
        options.connectLazily = true
        options.resume = resume
        options.parameters = try ParameterArguments.parse(params)
        if let record { options.wrapTransport = { RecordingTransport(inner: $0, path: record) } }
        if planOut != nil && !target.dryRun { throw ValidationError("--plan-out needs --dry-run") }
        return options
    }

    /// Runs the runbook: shared with `QuickCommandLine`.
    static func execute(file: String, options: Runner.Options) async throws {
        throw ExitCode(await Runner(.file(file), options: options).run().rawValue)
    }
}

