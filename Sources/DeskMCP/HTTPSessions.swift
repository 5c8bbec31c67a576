import DeskGate
import Foundation
import JSONValue
import MCP
import Synchronization

/// The MCP sessions of `zdsh mcp --http`, by their Mcp-Session-Id. Each
/// belongs to the token that opened it (another token cannot use it) and
/// has its own ledger, runs and confirmation; the caps are the token's,
/// shared by all of its sessions.
final class HTTPSessions: Sendable {
    struct Entry: Sendable {
        let transport: StatefulHTTPServerTransport
        let server: Server
        let handlers: SessionHandlers
        let tokenId: String
    }

    let target: DeskTarget
    /// Off loopback (HTTPS), the Host header is the server's public name, so
    /// the SDK's localhost-only host check is left out; the bearer token guards.
    let loopback: Bool
    private let entries = Mutex<[String: Entry]>([:])
    private let budgets = Mutex<[String: CallBudget]>([:])

    init(target: DeskTarget, loopback: Bool) { self.target = target; self.loopback = loopback }

    func entry(_ sessionId: String) -> Entry? { entries.withLock { $0[sessionId] } }
    func keep(_ sessionId: String, _ entry: Entry) { entries.withLock { $0[sessionId] = entry } }

    func close(_ sessionId: String) async {
        guard let e = entries.withLock({ $0.removeValue(forKey: sessionId) }) else { return }
        e.handlers.runs.interruptAll()
        await e.server.stop()
    }

    func closeAll() async {
        for id in entries.withLock({ Array($0.keys) }) { await close(id) }
    }

    /// A new session for `token`: the server's target narrowed to the
    /// token's grants and caps, started on a transport of its own.
    func open(for token: AccessToken) async throws -> Entry {
        let narrowed = try target.narrowed(for: token)
        let c = narrowed.configuration
        let budget = budgets.withLock { b in
            if let existing = b[token.id] { return existing }
            let made = CallBudget(maxCalls: c.maxCalls, maxDestructive: c.maxDestructive, maxWrites: c.maxWrites)
            b[token.id] = made
            return made
        }
        let handlers = SessionHandlers(target: narrowed, caller: ["mcp_holder": .string(token.holder), "mcp_token": .string(token.id)],
                                       budget: budget)
        let server = await handlers.makeServer()
        let transport = loopback ? StatefulHTTPServerTransport()
            : StatefulHTTPServerTransport(validationPipeline: StandardValidationPipeline(validators: [
                AcceptHeaderValidator(mode: .sseRequired), ContentTypeValidator(), ProtocolVersionValidator(), SessionValidator(),
            ]))
        try await server.start(transport: transport) { client, capabilities in
            handlers.ledger.identify(client: client.name, version: client.version, canAsk: capabilities.elicitation?.form != nil)
        }
        return Entry(transport: transport, server: server, handlers: handlers, tokenId: token.id)
    }
}

extension DeskTarget {
    /// This target as one token's holder gets it: grants no wider than the
    /// server's (a token's --allow patterns count only where the server
    /// grants the same), read-only if either says so, the smaller caps.
    func narrowed(for token: AccessToken) throws -> DeskTarget {
        var c = configuration
        if let allow = token.allow {
            c.allow = configuration.allowAllDestructive ? allow : allow.filter { configuration.allow.contains($0) }
            c.allowAllDestructive = false
            c.policyFile = nil
        }
        c.readOnly = configuration.readOnly || token.readOnly
        if let m = token.maxCalls { c.maxCalls = min(m, configuration.maxCalls ?? m) }
        if let m = token.maxDestructive { c.maxDestructive = min(m, configuration.maxDestructive) }
        let policy = token.allow == nil ? self.policy
            : try Policy.fromCommandLine(allow: c.allow, deny: c.deny, file: nil, allowAllDestructive: false)
        return DeskTarget(backend: backend, policy: policy, audit: audit, configuration: c, planDirectory: planDirectory)
    }
}
