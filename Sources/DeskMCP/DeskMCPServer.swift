import DeskCore
import DeskGate
import Foundation
import JSONValue
import LuaHost
import MCP
import ShellCore

/// `zdsh mcp`: Zoho Desk for AI assistants over the Model Context Protocol
/// (stdio), through the same sandbox, policy, plans, caps and audit log as
/// the command line. Stdout carries the protocol and nothing else.
package enum DeskMCPServer {
    package static let name = "zdsh"

    /// Everything that can fail before the first message (a refused grant, a
    /// missing profile, an unreadable runbook folder) throws here, so the
    /// command exits with its usual status instead of serving a broken session.
    package static func prepare(_ given: ServerConfiguration) async throws -> PreparedServer {
        var policy = try Policy.fromCommandLine(allow: given.allow, deny: given.deny, file: given.policyFile,
                                                allowAllDestructive: given.allowAllDestructive)
        // The command line's write cap, else the policy file's, held by the
        // session's budget (a token's narrowed policy drops the file).
        var configuration = given
        configuration.maxWrites = given.maxWrites ?? policy.maxWrites
        policy.maxWrites = configuration.maxWrites
        if let dir = configuration.runbooksDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw UsageError("--runbooks \(dir) is not a folder")
            }
        }
        let backend = try await configuration.backendChoice.connect()
        let audit = try AuditLog(path: configuration.auditPath
                                 ?? (backend.simulator != nil ? AuditLog.simulatorPath() : AuditLog.defaultPath()))
        let target = DeskTarget(backend: backend, policy: policy, audit: audit, configuration: configuration,
                                planDirectory: try DeskTarget.makePlanDirectory(configuration.planDirectory))
        return PreparedServer(target: target)
    }
}

/// A server ready to speak MCP on stdin/stdout.
package struct PreparedServer: Sendable {
    let target: DeskTarget

    /// Serves until the client closes the connection. What was read before
    /// is answered; a second after stdin closes, runs still going are
    /// interrupted (and later ones stop at once), so the process exits
    /// instead of lingering until each run's timeout.
    package func serve() async throws {
        let session = SessionHandlers(target: target, caller: [:])
        let server = await session.makeServer()
        let runs = session.runs
        try await server.start(transport: LineTransport(onClose: {
            Task { try? await Task.sleep(for: .seconds(1)); runs.interruptAll() }
        })) { client, capabilities in
            session.ledger.identify(client: client.name, version: client.version, canAsk: capabilities.elicitation?.form != nil)
        }
        await server.waitUntilCompleted()
        await session.inFlight.drain()
    }
}

/// One MCP session's state and handlers: its ledger (caps, plans, client),
/// its runs and slots, and the tools, resources and prompts it answers.
struct SessionHandlers: Sendable {
    let target: DeskTarget
    let ledger: SessionLedger
    let runs = ActiveRuns()
    let inFlight = InFlightRequests()
    let slots: RunSlots
    /// Who is asking beyond the client (over HTTP: the token's holder), for the audit.
    let caller: [String: JSON]

    init(target: DeskTarget, caller: [String: JSON], budget: CallBudget? = nil) {
        self.target = target; self.caller = caller
        let c = target.configuration
        ledger = SessionLedger(budget: budget ?? CallBudget(maxCalls: c.maxCalls, maxDestructive: c.maxDestructive, maxWrites: c.maxWrites))
        slots = RunSlots(limit: c.maxRuns)
    }

    func makeServer() async -> Server {
        let configuration = target.configuration
        let shelf = RunbookShelf(directory: configuration.runbooksDirectory.map(DeskTarget.absolute), limits: configuration.limits)
        let server = Server(
            name: DeskMCPServer.name, version: "0.2.0", title: "zdsh — Zoho Desk through a sandboxed shell",
            instructions: WorkflowPrompt.messages(task: nil, readOnly: configuration.readOnly).map { message in
                if case .text(let text) = message.content { return text }
                return ""
            }.joined(separator: "\n"),
            capabilities: .init(prompts: .init(listChanged: false), resources: .init(subscribe: false, listChanged: false),
                                tools: .init(listChanged: false)))
        let tools = ToolDispatcher(target: target, ledger: ledger, shelf: shelf, confirmer: Confirmer(server: server, ledger: ledger),
                                   runs: runs, slots: slots, progress: ProgressReporter(server: server), caller: caller)
        let resources = SessionResources(target: target, shelf: shelf, ledger: ledger)
        let mode = target.toolMode
        let inFlight = self.inFlight
        let readOnly = configuration.readOnly

        await server.withMethodHandler(ListTools.self) { p in try Self.firstPage(p.cursor); return .init(tools: ToolCatalog.all(mode)) }
        await server.withMethodHandler(CallTool.self) { params in try await inFlight.run { try await tools.call(params) } }
        await server.withMethodHandler(ListResources.self) { p in try Self.firstPage(p.cursor); return .init(resources: resources.list()) }
        await server.withMethodHandler(ListResourceTemplates.self) { p in
            try Self.firstPage(p.cursor); return .init(templates: SessionResources.templates)
        }
        await server.withMethodHandler(ReadResource.self) { params in .init(contents: try resources.read(params.uri)) }
        await server.withMethodHandler(ListPrompts.self) { p in try Self.firstPage(p.cursor); return .init(prompts: [WorkflowPrompt.prompt]) }
        await server.withMethodHandler(GetPrompt.self) { params in
            guard params.name == WorkflowPrompt.name else {
                throw MCPError.invalidParams("unknown prompt '\(params.name)' (this server has: \(WorkflowPrompt.name))")
            }
            return .init(description: WorkflowPrompt.prompt.description,
                         messages: WorkflowPrompt.messages(task: params.arguments?["task"], readOnly: readOnly))
        }
        return server
    }

    /// Every list fits one page, so no cursor is valid.
    static func firstPage(_ cursor: String?) throws {
        if let cursor { throw MCPError.invalidParams("unknown cursor '\(cursor)': this server returns every item on the first page") }
    }
}
