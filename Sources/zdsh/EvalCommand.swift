import ArgumentParser
import CommandOptions
import Foundation
import Runbooks

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Run a chunk of Lua in the sandbox and print what it returns.",
        discussion: "Example: zdsh eval --sim 'return desk.profiles.list()'")

    @Argument(help: "Lua code, e.g. 'return 1+1'.")
    var code: String

    @OptionGroup var target: TargetOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var sandbox: SandboxOptions

    func run() async throws {
        try await Self.execute(code: code, options: runnerOptions())
    }

    func runnerOptions() throws -> Runner.Options {
        var options = Runner.Options()
        target.apply(to: &options, sandbox: sandbox)
        try output.apply(to: &options)
        options.connectLazily = true
        return options
    }

    /// Runs `code` (its bytes as argv had them): shared with `QuickCommandLine`.
    static func execute(code: String, options: Runner.Options) async throws {
        throw ExitCode(await Runner(.bytes(ArgvBytes.of(code)), options: options).run().rawValue)
    }
}
