import ArgumentParser
import Foundation
import Runbooks
import ShellCore

/// Parses the command line against a root command, runs what it names, and
/// turns every way out into zdsh's exit codes. Shared by `zdsh` and
/// `zdsh-mcp` (Sources/zdsh-mcp links this file), so `zdsh mcp` fails the
/// way every other command does.
package enum CommandMain {
    package static func run<Root: ParsableCommand>(_ root: Root.Type) async {
        await run(root) {
            var command = try root.parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        }
    }

    /// Runs `body`, a command of `root` read some other way (zdsh's
    /// `QuickCommandLine`), with the same ways out as `run(_:)`.
    package static func run<Root: ParsableCommand>(_ root: Root.Type, body: () async throws -> Void) async {
        do {
            try await body()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            // --help and --version end here with a success code; every
            // other parsing or validation failure is a usage error (exit 2).
            let code = root.exitCode(for: error)
            let message = root.fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            let status = code == .validationFailure ? ExitStatus.usage.rawValue : code.rawValue
            if CommandOutput.wantsJSON(CommandLine.arguments) {
                ErrorDocument(code: ExitStatus(rawValue: status) ?? .usage, message: message).emit()
            } else {
                FileHandle.standardError.write(Data((message + "\n").utf8))
            }
            Foundation.exit(status)
        }
    }
}
