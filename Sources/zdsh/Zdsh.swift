import ArgumentParser
import CommandOptions
import Foundation
import LuaHost
import Runbooks
import ShellCore

@main
struct Zdsh: AsyncParsableCommand {
    static let version = ZdshRelease.number

    static let configuration = CommandConfiguration(
        commandName: "zdsh",
        abstract: "A scriptable shell for Zoho Desk operations.",
        discussion: """
            Runbooks are Lua 5.4 scripts run in a sandbox; destructive Zoho Desk calls
            must be allowed explicitly. Exit codes: 0 ok, 1 Lua/runbook error, 2 usage,
            3 denied by policy, 4 sandbox limit, 5 Zoho API error.
            """,
        version: ZdshRelease.versionLine,
        subcommands: [RunCommand.self, EvalCommand.self, ReplCommand.self, DescribeCommand.self, ApplyCommand.self, UndoCommand.self, RunsCommand.self, ApiCommand.self, McpLauncher.self, AuditCommand.self, AuthCommand.self, SimCommand.self, TestCommand.self, CheckCommand.self, NewCommand.self]
    )

    static func main() async {
        McpLauncher.execIfAsked()
        LuaFloor.check()
        // `zdsh --version` alone needs no command tree: answered before the
        // argument parser reflects over every command (most of its start-up).
        if Array(CommandLine.arguments.dropFirst()) == ["--version"] {
            print(ZdshRelease.versionLine)
            return
        }
        RunbookHelp.showIfAsked(CommandLine.arguments)
        // `zdsh eval CODE` and `zdsh run FILE` in their common forms skip the
        // argument parser's reflection (QuickCommandLine.swift).
        if let quick = QuickCommandLine(Array(CommandLine.arguments.dropFirst())) {
            await CommandMain.run(Zdsh.self, body: quick.run)
        } else {
            await CommandMain.run(Zdsh.self)
        }
    }
}

/// zdsh refuses to start on a Lua with known sandbox-relevant bugs.
enum LuaFloor {
    static let minimum = (5, 4, 4)

    static func check() {
        let v = LuaHost.luaVersion
        if v < minimum {
            let m = "\(minimum.0).\(minimum.1).\(minimum.2)"
            FileHandle.standardError.write(Data("zdsh: \(LuaHost.luaRelease) is too old; zdsh needs Lua \(m) or newer (apt-get install liblua5.4-dev)\n".utf8))
            Foundation.exit(ExitStatus.usage.rawValue)
        }
    }
}

/// `zdsh run FILE --help` shows the runbook's own parameters and declared
/// operations before the command's flags.
enum RunbookHelp {
    static func showIfAsked(_ arguments: [String]) {
        let args = Array(arguments.dropFirst())
        guard args.first == "run", args.contains("--help") || args.contains("-h"),
              let file = args.dropFirst().first(where: { !$0.hasPrefix("-") && FileManager.default.fileExists(atPath: $0) })
        else { return }
        if DescribeCommand.describe(file: file) == .ok { print("") }
    }
}
