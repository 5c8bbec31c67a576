import ArgumentParser
import DeskCore
import DeskGate
import DeskMCP
import Foundation
import JSONValue
import ShellCore

/// `zdsh mcp token create|list|revoke`: the bearer tokens of `zdsh mcp --http`.
struct McpTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke the bearer tokens of `zdsh mcp --http`.",
        discussion: "Tokens are stored hashed in $XDG_STATE_HOME/zdsh/mcp-tokens.json; each names its holder, whom the audit log records on every call. A token may narrow the server's grants and caps, never widen them.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a token (printed once) for a holder.")

        @Option(help: "Who uses the token (a person or a team); recorded on every call.")
        var holder: String

        // Names of their own: the server's --allow, --read-only and caps are
        // options of `zdsh mcp` itself and would be parsed as those.
        @Option(name: .long, help: ArgumentHelp("Destructive grant for this holder (repeatable); only grants the server also gives (--allow) count. Default: the server's.", valueName: "PATTERN"))
        var grant: [String] = []

        @Flag(name: .customLong("reads-only"), help: "This holder may only read (as if the server ran --read-only).")
        var readsOnly = false

        @Option(name: .customLong("cap-calls"), help: "API calls this token's sessions may make together (at most the server's --max-calls).")
        var capCalls: Int?

        @Option(name: .customLong("cap-destructive"), help: "Records this token's destructive calls may affect together (at most the server's --max-destructive).")
        var capDestructive: Int?

        func run() async throws {
            let store = AccessTokens()
            let made: (secret: String, token: AccessToken)
            do {
                made = try store.create(holder: holder) { t in
                    t.allow = grant.isEmpty ? nil : grant
                    t.readOnly = readsOnly; t.maxCalls = capCalls; t.maxDestructive = capDestructive
                }
            } catch { throw McpTokenCommand.fail("\(error)") }
            McpTokenCommand.audit("created", made.token)
            print(made.secret)
            Terminal.error("zdsh: token \(made.token.id) for \(Terminal.visible(holder)) — shown once; give it to the holder as a bearer token")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens (never their secrets).")

        func run() async throws {
            let tokens: [AccessToken]
            do { tokens = try AccessTokens().all() } catch { throw McpTokenCommand.fail("\(error)") }
            for t in tokens {
                var line = "\(t.id)\t\(Terminal.visible(t.holder))\tcreated \(t.created)"
                if let r = t.revoked { line += "\trevoked \(r)" }
                if t.readOnly { line += "\treads-only" }
                if let a = t.allow { line += "\tgrant \(a.map { Terminal.visible($0) }.joined(separator: ","))" }
                if let m = t.maxCalls { line += "\tcap-calls \(m)" }
                if let m = t.maxDestructive { line += "\tcap-destructive \(m)" }
                print(line)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token by its id; a running server refuses it from its next request.")

        @Argument(help: "The token's id (tok-…), as `zdsh mcp token list` shows it.")
        var id: String

        func run() async throws {
            let token: AccessToken
            do { token = try AccessTokens().revoke(id) } catch { throw McpTokenCommand.fail("\(error)") }
            McpTokenCommand.audit("revoked", token)
            Terminal.error("zdsh: token \(token.id) of \(Terminal.visible(token.holder)) revoked")
        }
    }

    static func fail(_ message: String) -> ExitCode {
        Terminal.error("zdsh: \(Terminal.visible(message))")
        return ExitCode(ExitStatus.usage.rawValue)
    }

    /// Token changes are part of the record: who may reach the org, since when.
    static func audit(_ what: String, _ token: AccessToken) {
        guard let log = try? AuditLog(path: AuditLog.defaultPath()) else { return }
        try? log.append(.object(["time": .string(UTCTimestamp.string()), "phase": .string("token"), "token": .string(what),
                            "mcp_token": .string(token.id), "mcp_holder": .string(token.holder),
                            "operator": .string(ProcessInfo.processInfo.environment["USER"] ?? NSUserName())]))
    }
}
