import ArgumentParser
import Foundation
import LuaHost
import Runbooks
import ScenarioTesting
import ShellCore

/// `zdsh test [PATH…]`: runs scenario files (`*_test.lua`) against fresh
/// simulators (or their cassettes) and reports pass/fail. The work is in
/// `Shell.ScenarioRunner`; this file only reads flags and prints.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run scenario files (*_test.lua) against the simulator.",
        discussion: """
            Each scenario (each `it`) runs in a fresh sandbox against a fresh simulator
            holding the demo org, unless the file seeds or loads its own, or replays a
            cassette (use_cassette). Ends with a line "N passed, N failed" (", N skipped"
            when any); exits 1 when any scenario failed, 2 on a usage error.
            """)

    @Argument(help: "Scenario files or folders (searched recursively for *_test.lua). Default: the current folder.")
    var paths: [String] = []

    @Flag(name: .long, help: "Write TAP (version 13) to stdout instead of the human report.")
    var tap = false

    @Flag(name: .long, help: "Write one JSON report to stdout instead of the human report.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Also write a JUnit XML report to this file.", valueName: "file"))
    var junit: String?

    @Option(name: .long, help: ArgumentHelp("Only run scenarios whose full name matches (regex or substring).", valueName: "pattern"))
    var filter: String?

    @Option(name: .long, help: "Wall-clock limit per scenario, in seconds.")
    var timeout: Double = 60

    func run() throws {
        let tap = self.tap
        var options = ScenarioRunner.Options(filter: filter, limits: Limits(timeout: timeout))
        if !tap && !json {
            options.progress = { result in
                print(ConsoleReporter.line(result))
                fflush(nil)
            }
        }
        let suite: SuiteReport
        do {
            suite = try ScenarioRunner(options: options).run(paths: paths)
        } catch let e as UsageError {
            throw ExitCode(CommandOutput.fail(.usage, "zdsh test: \(e)", json: json).rawValue)
        }
        if json {
            CommandOutput.document(JSONTestReporter.report(suite))
        } else if tap {
            print(TAPReporter.report(suite))
        } else {
            print(suite.summaryLine)
        }
        // A filter that selects nothing is a mistake, not a pass (as busted and pytest say).
        if let filter, suite.results.isEmpty {
            throw ExitCode(CommandOutput.fail(.usage, "zdsh test: no scenario matches --filter \(Terminal.visible(filter))", json: json).rawValue)
        }
        if let junit {
            do {
                try Data(JUnitReporter.report(suite).utf8).write(to: URL(fileURLWithPath: junit), options: .atomic)
            } catch {
                throw ExitCode(CommandOutput.fail(.usage, "zdsh test: cannot write \(junit): \(error)", json: json).rawValue)
            }
        }
        if json, suite.exitStatus != .ok {
            ErrorDocument(code: suite.exitStatus, message: "\(suite.failed) scenario\(suite.failed == 1 ? "" : "s") failed").emit()
        }
        throw ExitCode(suite.exitStatus.rawValue)
    }
}
