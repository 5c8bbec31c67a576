import ArgumentParser
import CommandOptions
import Foundation
import ShellCore

/// `zdsh mcp` runs in its own executable, `zdsh-mcp`, installed beside zdsh.
///
/// The MCP SDK brings Foundation's networking (URLSession) and with it
/// libcurl and some thirty shared libraries the dynamic loader would bind at
/// every start of every command, and a thousand protocol conformances the
/// runtime would scan. zdsh leaves them to the one command that needs them:
/// `zdsh mcp …` and `zdsh help mcp …` replace this process with zdsh-mcp,
/// which gets the same arguments (byte for byte), standard streams and
/// environment, and parses them as `zdsh mcp` would.
struct McpLauncher: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mcp", abstract: McpSummary.abstract)

    /// Only reached when the command line names mcp where `execIfAsked`
    /// does not look (it looks at the first argument).
    mutating func run() throws {
        Self.exec()
    }

    static func execIfAsked(_ arguments: [String] = CommandLine.arguments) {
        let args = arguments.dropFirst()
        if args.first == "mcp" || (args.first == "help" && args.dropFirst().first == "mcp") { exec() }
    }

    static func exec() -> Never {
        let path = ExecutableLocation.folder.appendingPathComponent("zdsh-mcp").path
        execv(path, CommandLine.unsafeArgv)
        let reason = String(cString: strerror(errno))
        Terminal.error("zdsh: `zdsh mcp` runs \(path), which cannot be started (\(reason)); build it (swift build) or install zdsh with scripts/install")
        Foundation.exit(ExitStatus.luaError.rawValue)
    }
}
