import ArgumentParser
import Foundation
import JSONValue
import RunbookCheck
import Runbooks
import ShellCore

/// `zdsh check [PATH…]`: static checks of runbooks and scenario files,
/// without credentials or network. The work is in `Shell.CheckRun`.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check runbooks and scenario files before they run (no credentials, no network).",
        discussion: """
            Reports, as file:line:col: severity: message — syntax errors (the system Lua's
            parser); desk.…/helpcenter.…/desk.api.… names the catalog does not have, with the
            closest ones; literal arguments the call gate would refuse; destructive, notify or
            undeclared write calls the runbook{…} declaration does not list, and declared
            operations no call reaches; parameters read but not declared, or declared and
            never read; and luacheck's findings with zdsh's std, when lua-check is installed.
            Exits 1 when there is an error, 0 otherwise (warnings included), 2 on a usage error.
            """)

    @Argument(help: "Files or folders (searched recursively for *.lua). Default: the current folder.")
    var paths: [String] = []

    @Flag(name: .long, help: "Write one JSON document to stdout.")
    var json = false

    @Flag(name: .long, help: "Do not run luacheck, only zdsh's own checks.")
    var noLuacheck = false

    func run() throws {
        let run: CheckRun
        do {
            run = try CheckRun.run(paths: paths.isEmpty ? ["."] : paths, useLuacheck: !noLuacheck, stdlib: Stdlib.path) { note in
                FileHandle.standardError.write(Data((note + "\n").utf8))
            }
        } catch let e as UsageError {
            throw ExitCode(CommandOutput.fail(.usage, "\(e)", json: json).rawValue)
        }
        if json {
            CommandOutput.document([
                "files": .int(Int64(run.files.count)), "errors": .int(Int64(run.errors)),
                "warnings": .int(Int64(run.warnings)), "luacheck": .string(run.luacheck),
                "diagnostics": .array(run.diagnostics.map(\.json)),
            ])
        } else {
            for d in run.diagnostics { print(d.text) }
            if !run.diagnostics.isEmpty {
                let summary = "\(run.errors) error\(run.errors == 1 ? "" : "s"), \(run.warnings) warning\(run.warnings == 1 ? "" : "s") in \(run.files.count) file\(run.files.count == 1 ? "" : "s")"
                FileHandle.standardError.write(Data((summary + "\n").utf8))
            }
        }
        throw ExitCode(run.errors > 0 ? 1 : 0)
    }
}
