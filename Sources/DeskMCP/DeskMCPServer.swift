import Foundation
@preconcurrency import DeskCore
import JSONValue
@preconcurrency import LuaHost
import MCP
@preconcurrency import Shell

/// `zdsh mcp`: Zoho Desk for AI assistants over the Model Context Protocol
/// (stdio), through the same sandbox, policy, plans, caps and audit log as
/// the command line. Stdout carries the protocol and nothing else.
public enum DeskMCPServer {
    public static let name = "zdsh"

    /// Everything that can fail before the first message (a refused grant, a
    /// missing profile, an unreadable runbook folder) throws here, so the
    /// command exits with its usual status instead of serving a broken session.
    public static func prepare(_ configuration: ServerConfiguration) async throws -> PreparedServer {
        let policy = try Policy.fromCommandLine(allow: configuration.allow, deny: configuration.deny,
                                                file: configuration.policyFile,
                                                allowAllDestructive: configuration.allowAllDestructive)
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
                                planDirectory: try DeskTarget.makePlanDirectory())
        return PreparedServer(target: target)
    }
}

/// A server ready to speak MCP on stdin/stdout.
public struct PreparedServer: Sendable {
    let target: DeskTarget

    /// Serves until the client closes the connection.
    public func serve() async throws {
        let configuration = target.configuration
        let ledger = SessionLedger(maxDestructive: configuration.maxDestructive, maxCalls: configuration.maxCalls)
        let shelf = RunbookShelf(directory: configuration.runbooksDirectory.map(DeskTarget.absolute), limits: configuration.limits)
        let server = Server(
            name: DeskMCPServer.name, version: "0.1.0", title: "zdsh — Zoho Desk through a sandboxed shell",
            instructions: WorkflowPrompt.messages(task: nil, readOnly: configuration.readOnly).map { message in
                if case .text(let text) = message.content { return text }
                return ""
            }.joined(separator: "\n"),
            capabilities: .init(prompts: .init(listChanged: false), resources: .init(subscribe: false, listChanged: false),
                                tools: .init(listChanged: false)))
        let tools = ToolDispatcher(target: target, ledger: ledger, shelf: shelf, confirmer: Confirmer(server: server, ledger: ledger))
        let resources = SessionResources(target: target, shelf: shelf)
        let readOnly = configuration.readOnly
        let inFlight = InFlightRequests()

        await server.withMethodHandler(ListTools.self) { _ in .init(tools: ToolCatalog.all(readOnly: readOnly)) }
        await server.withMethodHandler(CallTool.self) { params in try await inFlight.run { try await tools.call(params) } }
        await server.withMethodHandler(ListResources.self) { _ in .init(resources: resources.list()) }
        await server.withMethodHandler(ReadResource.self) { params in .init(contents: try resources.read(params.uri)) }
        await server.withMethodHandler(ListPrompts.self) { _ in .init(prompts: [WorkflowPrompt.prompt]) }
        await server.withMethodHandler(GetPrompt.self) { params in
            guard params.name == WorkflowPrompt.name else {
                throw MCPError.invalidParams("unknown prompt '\(params.name)' (this server has: \(WorkflowPrompt.name))")
            }
            return .init(description: WorkflowPrompt.prompt.description,
                         messages: WorkflowPrompt.messages(task: params.arguments?["task"], readOnly: readOnly))
        }

        try await server.start(transport: StdioTransport()) { client, capabilities in
            ledger.identify(client: client.name, version: client.version, canAsk: capabilities.elicitation != nil)
        }
        await server.waitUntilCompleted()
        await inFlight.drain()
        try? FileManager.default.removeItem(atPath: target.planDirectory)
    }
}
