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

    @Flag(name: .long, help: "Serve the built-in simulated Zoho Desk.")
    var sim = false

    @Option(name: .long, help: "Simulator state to start from (JSON file; with --sim).")
    var fixture: String?

    @Option(name: .long, help: "Stored profile to use (see zdsh auth).")
    var profile: String?

    @Option(name: .long, help: "Desk organization id, when the profile reaches several.")
    var org: String?

    @Option(name: .long, help: "Allow destructive operations matching PATTERN in applied plans (e.g. helpcenter.labels.*).")
    var allow: [String] = []

    @Option(name: .long, help: "Deny operations matching PATTERN even if allowed elsewhere.")
    var deny: [String] = []

    @Option(name: .long, help: "Policy file (JSON: {\"allow\": [...], \"deny\": [...]}).")
    var policy: String?

    @Flag(name: .customLong("allow-all-destructive"), help: "Grant every destructive operation. A glob such as '*' is refused: say this instead.")
    var allowAllDestructive = false

    @Flag(name: .customLong("allow-unbounded"), help: "Let destructive calls on an unbounded set of records pass the --max-destructive cap.")
    var allowUnbounded = false

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
        if sim && profile != nil { throw ValidationError("choose --sim or --profile, not both") }
        if fixture != nil && !sim { throw ValidationError("--fixture needs --sim") }
        if maxDestructive < 0 { throw ValidationError("--max-destructive cannot be negative") }
        if let m = maxCalls, m < 0 { throw ValidationError("--max-calls cannot be negative") }
    }

    func run() async throws {
        var c = ServerConfiguration()
        c.sim = sim; c.fixture = fixture; c.profile = profile; c.org = org; c.endpoints = endpoints.value
        c.allow = allow; c.deny = deny; c.policyFile = policy
        c.allowAllDestructive = allowAllDestructive; c.allowUnbounded = allowUnbounded
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
        Terminal.error("zdsh mcp: serving \(sim ? "the built-in simulator" : "profile \(profile ?? "(default)")") over stdio\(readOnly ? " (read-only)" : "")")
        do { try await prepared.serve() } catch { throw fail("\(error)", .luaError) }
    }

    private func fail(_ message: String, _ status: ExitStatus) -> ExitCode {
        Terminal.error("zdsh: \(Terminal.visible(message))")
        return ExitCode(status.rawValue)
    }
}
