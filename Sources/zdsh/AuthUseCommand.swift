import ArgumentParser
import DeskCore
import Foundation
import ShellCore

extension AuthCommand {
    /// `zdsh auth use NAME`: makes a stored profile the current one, as
    /// `kubectl config use-context` does. `--profile` and `ZDSH_PROFILE`
    /// still win over it for one command.
    struct Use: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a stored profile the current one (used when neither --profile nor ZDSH_PROFILE is given).")

        @Argument(help: "The stored profile to use.")
        var name: String

        @Option(name: .long, help: ArgumentHelp("Connection store path.", valueName: "path"))
        var store: String?

        func run() async throws {
            try await AuthCommand.reportingErrors {
                let path = store ?? SQLiteTokenStore.defaultPath()
                let known = try await SQLiteTokenStore(path: path).profileNames()
                guard known.contains(name) else {
                    throw DeskError(kind: .configuration, message: "no stored profile '\(Terminal.visible(name))'"
                                        + (known.isEmpty ? "" : " (stored profiles: \(known.joined(separator: ", ")))"),
                                    hint: "Run `zdsh auth login --profile \(name)` first.")
                }
                try CurrentProfile(besideStore: path).write(name)
                print("Current profile: \(Terminal.visible(name))")
                if let env = ProcessInfo.processInfo.environment["ZDSH_PROFILE"], !env.isEmpty, env != name {
                    FileHandle.standardError.write(Data("zdsh: note: ZDSH_PROFILE=\(Terminal.visible(env)) is set and wins over the current profile in this shell\n".utf8))
                }
            }
        }
    }
}
