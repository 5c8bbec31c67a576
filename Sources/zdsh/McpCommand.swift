import ArgumentParser
import DeskMCP
import Foundation
import Shell

/// `zdsh mcp`: serve Zoho Desk to an AI assistant over MCP (stdio). The
/// operator's flags are the only source of grants; the assistant works
/// through dry runs and plans like any runbook.
struct McpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve Zoho Desk to an AI assistant over the Model Context Protocol (stdio).",
        discussion: """
            Tools: search_operations, describe_operation, run_lua (dry run by default), apply_plan, list_runbooks, describe_runbook, run_runbook. Destructive calls are sent only by apply_plan, only when --allow grants them, and only after the client's user confirmed the plan. Stdout carries the protocol; messages go to stderr.

            Client configuration: {"mcpServers": {"zoho-desk": {"command": "zdsh", "args": ["mcp", "--sim"]}}}
            """)

    @OptionGroup var desk: TargetSelection
    @OptionGroup var grants: GrantOptions

    @Option(name: .long, help: "Folder of runbooks the assistant may list, describe and run.")
    var runbooks: String?

    @Flag(name: .customLong("read-only"), help: "Refuse every write and destructive call, and every apply.")
    var readOnly = false

    @Option(name: .long, help: "Audit log file (default $XDG_STATE_HOME/zdsh/audit.jsonl; audit-sim.jsonl with --sim).")
    var audit: String?

    @Option(name: .customLong("max-destructive"), help: "Records destructive calls may affect, across the whole session.")
    var maxDestructive: Int = 25

    @Option(name: .customLong("max-calls"), help: "API calls, across the whole session.")
    var maxCalls: Int?

    @Flag(name: .shortAndLong, help: "Show each request and response on stderr.")
    var verbose = false

    @OptionGroup var endpoints: EndpointOptions

    @OptionGroup var sandbox: SandboxOptions

    func validate() throws {
        if maxDestructive < 0 { throw ValidationError("--max-destructive cannot be negative") }
        if let m = maxCalls, m < 0 { throw ValidationError("--max-calls cannot be negative") }
    }

    func run() async throws {
        var c = ServerConfiguration()
        c.sim = desk.sim; c.fixture = desk.fixture; c.profile = desk.profile; c.org = desk.org
        c.endpoints = endpoints.value
        c.allow = grants.allow; c.deny = grants.deny; c.policyFile = grants.policy
        c.allowAllDestructive = grants.allowAllDestructive; c.allowUnbounded = grants.allowUnbounded
        c.runbooksDirectory = runbooks; c.readOnly = readOnly; c.auditPath = audit
        c.limits = sandbox.limits; c.maxDestructive = maxDestructive; c.maxCalls = maxCalls; c.verbose = verbose
        let prepared: PreparedServer
        do {
            prepared = try await DeskMCPServer.prepare(c)
        } catch let e as UsageError {
            throw fail("\(e)", .usage)
        } catch let e as PolicyError {
            throw fail("\(e)", .usage)
        } catch {
            throw fail("\(error)", .apiError)
        }
        Terminal.error("zdsh mcp: serving \(desk.sim ? "the built-in simulator" : "profile \(desk.profile ?? "(default)")") over stdio\(readOnly ? " (read-only)" : "")")
        do { try await prepared.serve() } catch { throw fail("\(error)", .luaError) }
    }

    private func fail(_ message: String, _ status: ExitStatus) -> ExitCode {
        Terminal.error("zdsh: \(Terminal.visible(message))")
        return ExitCode(status.rawValue)
    }
}
