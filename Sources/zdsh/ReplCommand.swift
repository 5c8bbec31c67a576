import ArgumentParser
import CommandOptions
import DeskGate
import DeskRepl
import Foundation
import LuaHost
import ShellCore

/// `zdsh repl`: an interactive session (or, with stdin not a terminal, a
/// scriptable one: `echo 'return 1+1' | zdsh repl --sim` prints 2).
struct ReplCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Interactive Lua session over Zoho Desk (or the simulator).",
        discussion: """
            Expressions print their value (_ is the last one); top-level locals persist.
            Destructive calls ask y/N unless allowed (--allow, :allow); --yes means never ask,
            so only grants decide. Limits apply per input. :help lists the commands.
            History: $XDG_STATE_HOME/zdsh/history (default ~/.local/state/zdsh/history).
            """)

    @OptionGroup var target: TargetOptions
    @OptionGroup var sandbox: SandboxOptions

    func run() async throws {
        do {
            let policy = try Policy.fromCommandLine(allow: target.grants.allow, deny: target.grants.deny, file: target.grants.policy,
                                                    allowAllDestructive: target.grants.allowAllDestructive,
                                                    profile: target.desk.sim ? "sim" : target.desk.profile)
            let backend = try await target.backendChoice.connect()
            // In the REPL, --strict-sim makes each made-up answer an error at its call.
            backend.watch?.strict = target.strictSim
            var settings = CallGate.Settings()
            settings.dryRun = target.dryRun
            settings.maxCalls = target.maxCalls
            settings.maxDestructive = target.maxDestructive
            settings.allowUnbounded = target.grants.allowUnbounded
            settings.maxWrites = target.maxWrites ?? policy.maxWrites
            settings.confirmWrites = target.yes || target.dryRun ? nil : Repl.refuseWritesWithoutTerminal
            var options = Repl.Options()
            options.limits = sandbox.limits
            options.auditPath = target.audit
            options.json = target.json
            options.askBeforeDestructive = !target.yes
            options.filesDirs = sandbox.filesDir
            let repl = try Repl(backend: backend, policy: policy, settings: settings, options: options)
            // The loop blocks on terminal reads and Lua runs: its own thread,
            // not one of the few cooperative ones the API calls need.
            let status = try await OffPool.run(name: "zdsh.repl") { repl.run() }
            throw ExitCode(status.rawValue)
        } catch let e as PolicyError {
            FileHandle.standardError.write(Data("zdsh: \(e)\n".utf8))
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }
}
