import Foundation
import Runbooks

/// `zdsh eval CODE` and `zdsh run FILE` in the forms shell loops and
/// scripts use, read without the argument parser.
///
/// The argument parser reflects over every option group of a command
/// (several times: to find the subcommand, to look for pass-through
/// arguments, to look for completion requests) — about 5 ms of an 18 ms
/// `zdsh eval 'return 1'`. This reads only the flags listed in `Flag`, each
/// at most once, with one positional argument that does not start with `-`.
/// Anything else — another flag, `--help`, `--opt=value`, a repeated flag,
/// a bad `--param`, `$ZDSH_CONCURRENCY` (which the parser checks) — returns
/// nil and goes to the argument parser, which reports it the usual way.
///
/// What it reads must mean what the parser would make of it:
/// `QuickCommandLineTests` parses every form both ways and compares the
/// runner options they give.
struct QuickCommandLine {
    enum Command: Equatable {
        case eval
        case run
    }

    /// The flags read here: those `eval` and `run` share, plus `--param` for run.
    enum Flag: String, CaseIterable {
        case sim = "--sim", json = "--json", yes = "--yes", dryRun = "--dry-run"
        case noUndo = "--no-undo", strictSim = "--strict-sim", verbose = "--verbose"
        case profile = "--profile", allow = "--allow", deny = "--deny", param = "--param"

        /// Flags that take the next argument as their value.
        var takesValue: Bool { self == .profile || self == .allow || self == .deny || self == .param }
        /// Flags that may be given more than once.
        var repeats: Bool { self == .allow || self == .deny || self == .param }
    }

    let command: Command
    /// The Lua code (eval) or the runbook file (run).
    let target: String
    private(set) var flags: Set<Flag> = []
    private(set) var values: [Flag: [String]] = [:]
    /// `--param` values, checked as the parser's commands check them.
    private var parameters: [String: String] = [:]

    /// `arguments` without the program name; nil when the argument parser must read them.
    init?(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let name = arguments.first, let command = Self.command(name) else { return nil }
        // Checked (and reported) by the argument parser's validation.
        guard environment["ZDSH_CONCURRENCY"] == nil else { return nil }
        var target: String?
        var rest = arguments.dropFirst()[...]
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("-") else {
                if target != nil { return nil }
                target = argument
                continue
            }
            guard let flag = Flag(rawValue: argument), !(flag == .param && command == .eval),
                  flag.repeats || !flags.contains(flag) else { return nil }
            flags.insert(flag)
            if flag.takesValue {
                guard let value = rest.popFirst(), !value.hasPrefix("-") else { return nil }
                values[flag, default: []].append(value)
            }
        }
        guard let target else { return nil }
        self.command = command
        self.target = target
        // A bad one is reported by the parser, as a usage error of `--param`.
        guard let parameters = try? ParameterArguments.parse(values[.param] ?? []) else { return nil }
        self.parameters = parameters
        // --sim with --profile is refused by the parser's validation.
        guard !(flags.contains(.sim) && flags.contains(.profile)) else { return nil }
    }

    private static func command(_ name: String) -> Command? {
        switch name {
        case "eval": return .eval
        case "run": return .run
        default: return nil
        }
    }

    /// The runner's options, as `EvalCommand`/`RunCommand` make them from the same flags.
    func runnerOptions() -> Runner.Options {
        var o = Runner.Options()
        o.backendChoice.sim = flags.contains(.sim)
        o.backendChoice.profile = values[.profile]?.first
        o.backendChoice.verbose = flags.contains(.verbose)
        o.allow = values[.allow] ?? []
        o.deny = values[.deny] ?? []
        o.dryRun = flags.contains(.dryRun)
        o.yes = flags.contains(.yes)
        o.json = flags.contains(.json)
        o.strictSim = flags.contains(.strictSim)
        o.noUndo = flags.contains(.noUndo)
        o.connectLazily = true
        if command == .run {
            if !o.backendChoice.sim { o.limits.timeout = nil }
            o.parameters = parameters
        }
        return o
    }

    /// Runs the command, as its `run()` would: always ends by throwing `ExitCode`.
    func run() async throws {
        let options = runnerOptions()
        switch command {
        case .eval: try await EvalCommand.execute(code: target, options: options)
        case .run: try await RunCommand.execute(file: target, options: options)
        }
    }
}
