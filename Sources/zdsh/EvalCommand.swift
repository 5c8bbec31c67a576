import ArgumentParser
import Foundation
import Shell

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Run a chunk of Lua in the sandbox and print what it returns.",
        discussion: "Example: zdsh eval --sim 'return desk.profiles.list()'")

    @Argument(help: "Lua code, e.g. 'return 1+1'.")
    var code: String

    @OptionGroup var target: TargetOptions
    @OptionGroup var sandbox: SandboxOptions

    func run() async throws {
        var options = Runner.Options()
        target.apply(to: &options, sandbox: sandbox)
        options.connectLazily = true
        throw ExitCode(await Runner(.bytes(ArgvBytes.of(code)), options: options).run().rawValue)
    }
}
