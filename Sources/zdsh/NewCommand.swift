import ArgumentParser
import Foundation
import RunbookCheck
import Runbooks
import ShellCore

/// `zdsh new runbook NAME` / `zdsh new scenario NAME`: a starting point
/// that passes `zdsh check` and `zdsh test` as written (Shell.RunbookScaffold).
struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Write a new runbook (or scenario test) with editor and luacheck settings.",
        discussion: """
            `zdsh new runbook NAME` writes NAME.lua (runbook{…} with parameters, a declared
            destructive operation and main), NAME_test.lua (scenarios with their own fixture),
            and, unless the folder has them, .luarc.json (lua-language-server: zdsh's types)
            and .luacheckrc (luacheck: zdsh's std). `zdsh new scenario NAME` writes only
            NAME_test.lua and the settings. Existing runbooks and tests are never overwritten.
            """)

    @Argument(help: "What to write: runbook or scenario.")
    var kind: String

    @Argument(help: "The runbook's name (letters, digits, _ and -).")
    var name: String

    @Option(name: .long, help: ArgumentHelp("The folder to write into (default: the current folder).", valueName: "dir"))
    var dir: String = "."

    func run() throws {
        guard let stdlib = Stdlib.path else {
            throw ExitCode(CommandOutput.fail(.usage, "zdsh new: cannot find the zdsh stdlib folder; set ZDSH_STDLIB", json: false).rawValue)
        }
        do {
            let absolute = URL(fileURLWithPath: stdlib).standardizedFileURL.path
            for path in try RunbookScaffold.write(kind: kind, name: name, into: dir, stdlib: absolute) {
                print("wrote \(Terminal.visible(path))")
            }
        } catch let e as UsageError {
            throw ExitCode(CommandOutput.fail(.usage, "\(e)", json: false).rawValue)
        } catch {
            throw ExitCode(CommandOutput.fail(.stateUnwritable, "zdsh new: \(error)", json: false).rawValue)
        }
    }
}
