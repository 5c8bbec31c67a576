import ArgumentParser
import CommandOptions
import DeskGate
import Foundation
import Runbooks
import ShellCore

extension RunsCommand {
    /// `zdsh runs show ID`: one run in full (see `RunDetails`).
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one run: parameters, target, progress, calls by outcome, skipped on resume, the resume command, its plan and linked runs.")

        @Argument(help: "The run id (zdsh runs lists them).", completion: ValueCompletions.runIds)
        var id: String

        @Flag(name: .long, help: "Print one JSON object.")
        var json = false

        func run() throws {
            // `zdsh runs` has a --json of its own, which takes the flag wherever it stands.
            let json = self.json || CommandOutput.wantsJSON(CommandLine.arguments)
            let path = Journal.defaultPath()
            guard FileManager.default.fileExists(atPath: path), let details = try RunDetails.load(id: id, journal: path) else {
                throw ExitCode(CommandOutput.fail(.usage, "zdsh: no run \(Terminal.visible(id)) (zdsh runs lists them)", json: json).rawValue)
            }
            if json { CommandOutput.document(details.json) } else { print(details.text) }
        }
    }
}
