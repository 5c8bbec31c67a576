import ArgumentParser
import CommandOptions
import DeskGate
import DeskMCP
import Foundation
import ShellCore

/// `zdsh mcp`: serve Zoho Desk to an AI assistant over MCP (stdio). The
/// operator's flags are the only source of grants; the assistant works
/// through dry runs and plans like any runbook.
struct McpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: McpSummary.abstract,
        discussion: """
            Tools: search_operations, describe_operation, query (reads only), run_lua (dry run by default), apply_plan, list_runbooks, describe_runbook, run_runbook. Every write is planned first and sent only as a whole plan, re-checked against the grants and caps; destructive calls only when --allow grants them, and after the client's user confirmed the plan (--confirm says which other plans need a confirmation). Stdout carries the protocol; messages go to stderr.

            Limits: each tool call's Lua stops at --timeout (default 120 s), --max-runs runs at once (default 4), results are cut at --max-result KB (default 64), messages over 4 MB are refused.

            Client configuration: {"mcpServers": {"zoho-desk": {"command": "zdsh", "args": ["mcp", "--sim"]}}}

            For a team: `zdsh mcp --http 127.0.0.1:8808 …` serves the same tools over MCP's streamable HTTP at /mcp; each request needs a bearer token from `zdsh mcp token create --holder NAME` (HTTPS with --tls-cert/--tls-key, or a loopback address only).
            """,
        subcommands: [McpTokenCommand.self])

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

    @Option(name: .customLong("max-writes"), help: "Records writes (notify calls too) may affect, across the whole session (default: the policy file's max_writes, else no cap).")
    var maxWrites: Int?

    @Option(name: .customLong("max-calls"), help: "API calls, across the whole session.")
    var maxCalls: Int?

    @Option(name: .long, help: ArgumentHelp("Which plans the user must confirm before they are sent: \(ConfirmationRule.syntax).", valueName: "LIST"))
    var confirm: String = "destructive,notify,writes>10"

    @Option(name: .customLong("max-runs"), help: "Lua runs the session executes at once; more wait their turn.")
    var maxRuns: Int = 4

    @Option(name: .customLong("max-result"), help: "Size limit of one tool result in KB (text and structured content together); larger results are cut, saying what was cut.")
    var maxResult: Int = 64

    @Option(name: .long, help: ArgumentHelp("Serve MCP over streamable HTTP at http(s)://ADDR/mcp instead of stdio (bearer tokens: zdsh mcp token).", valueName: "HOST:PORT"))
    var http: String?

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("With --http: serve HTTPS with this certificate chain (PEM).", valueName: "FILE"))
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("With --http: the certificate's private key (PEM).", valueName: "FILE"))
    var tlsKey: String?

    @Flag(name: .shortAndLong, help: "Show each request and response on stderr.")
    var verbose = false

    @OptionGroup var endpoints: EndpointOptions

    @OptionGroup var sandbox: SandboxOptions

    func validate() throws {
        if maxDestructive < 0 { throw ValidationError("--max-destructive cannot be negative") }
        if let m = maxCalls, m < 0 { throw ValidationError("--max-calls cannot be negative") }
        if let m = maxWrites, m < 0 { throw ValidationError("--max-writes cannot be negative") }
        if maxRuns < 1 { throw ValidationError("--max-runs must be at least 1") }
        if maxResult < 4 { throw ValidationError("--max-result must be at least 4 (KB)") }
        do { _ = try ConfirmationRule(parsing: confirm) } catch { throw ValidationError("\(error)") }
    }

    func run() async throws {
        var c = ServerConfiguration()
        c.sim = desk.sim; c.fixture = desk.fixture; c.profile = desk.profile; c.org = desk.org
        c.endpoints = endpoints.value
        c.allow = grants.allow; c.deny = grants.deny; c.policyFile = grants.policy
        c.allowAllDestructive = grants.allowAllDestructive; c.allowUnbounded = grants.allowUnbounded
        c.runbooksDirectory = runbooks; c.readOnly = readOnly; c.auditPath = audit
        c.limits = sandbox.limits(defaultTimeout: 120); c.maxDestructive = maxDestructive; c.maxCalls = maxCalls; c.maxWrites = maxWrites; c.verbose = verbose
        c.confirm = (try? ConfirmationRule(parsing: confirm)) ?? .standard
        c.maxRuns = maxRuns; c.maxResultBytes = maxResult << 10
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
        let what = desk.sim ? "the built-in simulator" : "profile \(desk.profile ?? "(default)")"
        if let http {
            let address: HTTPFront.Address
            do { address = try HTTPFront.Address(http, certificate: tlsCert, key: tlsKey) } catch { throw fail("\(error)", .usage) }
            let scheme = address.tls ? "https" : "http"
            do {
                try await HTTPFront(prepared: prepared, address: address).serve { port in
                    Terminal.error("zdsh mcp: serving \(what) at \(scheme)://\(address.host):\(port)/mcp\(readOnly ? " (read-only)" : "")")
                }
            } catch { throw fail("\(error)", .luaError) }
            return
        }
        Terminal.error("zdsh mcp: serving \(what) over stdio\(readOnly ? " (read-only)" : "")")
        do { try await prepared.serve() } catch { throw fail("\(error)", .luaError) }
    }

    private func fail(_ message: String, _ status: ExitStatus) -> ExitCode {
        // Line by line: a message of several lines shows as such, not with a literal \n.
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            Terminal.error("zdsh: \(Terminal.visible(String(line)))")
        }
        return ExitCode(status.rawValue)
    }
}
