import ArgumentParser
import CommandOptions
import Foundation
import LuaHost
import Runbooks
import ShellCore

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show a runbook's name, parameters, declared destructive operations and risk tags.")

    @Argument(help: "The runbook file.")
    var file: String

    @Flag(name: .long, help: "Print as JSON.")
    var json = false

    @OptionGroup var sandbox: SandboxOptions

    func run() throws {
        throw ExitCode(DescribeCommand.describe(file: file, json: json, limits: sandbox.limits).rawValue)
    }

    /// `limits`: the sandbox limits the runbook's top level runs under while it answers.
    static func describe(file: String, json: Bool = false, limits: Limits = .defaults) -> ExitStatus {
        do {
            let spec = try RunbookInspector.spec(file: file, limits: limits)
            if json { CommandOutput.document(spec.json) } else { print(spec.describe(file: file)) }
            return .ok
        } catch let e as UsageError {
            return CommandOutput.fail(.usage, "zdsh: \(Terminal.visible("\(e)"))", json: json)
        } catch {
            return CommandOutput.fail(.luaError, Terminal.visible("\(error)"), json: json)
        }
    }
}
