import ArgumentParser
import CommandOptions

/// `zdsh-mcp`: the executable behind `zdsh mcp` (see McpLauncher in
/// Sources/zdsh). zdsh starts it in its own place with the same arguments,
/// so it parses `zdsh mcp …` under zdsh's name: the same usage lines, help
/// and errors as when the command lived inside zdsh.
///
/// Its option groups and error handling are zdsh's own files (symlinks here:
/// TargetSelection, EndpointOptions, SandboxOptions, CommandMain, McpSummary,
/// ZdshRelease).
@main
struct ZdshMcp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zdsh",
        abstract: "zdsh's MCP server (run it as `zdsh mcp`).",
        version: ZdshRelease.versionLine,
        subcommands: [McpCommand.self])

    static func main() async {
        await CommandMain.run(ZdshMcp.self)
    }
}
