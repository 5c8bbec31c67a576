import DeskGate
import DeskSim
import Foundation
import JSONValue
import MCP
import Runbooks

/// Resources: this session's audit tail, and the source of each runbook.
struct SessionResources: Sendable {
    static let auditURI = "zdsh://audit/session"
    static let runbookPrefix = "zdsh://runbooks/"

    /// With --sim: every request the simulator received (what really reached "Zoho").
    static let simRequestsURI = "zdsh://sim/requests"
    static let planPrefix = "zdsh://plans/"
    static let operationPrefix = "zdsh://operations/"

    let target: DeskTarget
    let shelf: RunbookShelf
    let ledger: SessionLedger

    /// A plan of this session (its signed file), and any operation's description.
    static let templates = [
        Resource.Template(uriTemplate: planPrefix + "{plan_id}", name: "plan", title: "A plan this session made",
                          description: "The signed plan file of a dry run of this session, by plan id.", mimeType: "application/json"),
        Resource.Template(uriTemplate: operationPrefix + "{name}", name: "operation", title: "A Zoho Desk operation",
                          description: "describe_operation's answer for a Lua name or operationId.", mimeType: "application/json"),
    ]

    func list() -> [Resource] {
        var resources = [Resource(name: "audit", uri: Self.auditURI, title: "This session's audit records",
                                  description: "The last 200 audit records of this MCP session (JSON Lines): tool calls, planned, sent and denied API calls.",
                                  mimeType: "application/jsonl")]
        if target.backend.simulator != nil {
            resources.append(Resource(name: "simulator requests", uri: Self.simRequestsURI, title: "Requests the simulator received",
                                      description: "Every request the built-in simulator received (JSON Lines: method, path, status, operation).",
                                      mimeType: "application/jsonl"))
        }
        for name in shelf.names {
            resources.append(Resource(name: "runbook \(name)", uri: Self.runbookPrefix + name, title: "Runbook \(name)",
                                      description: "Source of the runbook \(name) (Lua).", mimeType: "text/x-lua"))
        }
        return resources
    }

    func read(_ uri: String) throws -> [Resource.Content] {
        if uri == Self.auditURI {
            let mine = try AuditLog.tail(path: target.audit.path, count: 5000)
                .filter { $0["mcp_session"]?.stringValue == target.sessionId }.suffix(200)
            return [.text(mine.map { $0.encoded() }.joined(separator: "\n"), uri: uri, mimeType: "application/jsonl")]
        }
        if uri == Self.simRequestsURI, let sim = target.backend.simulator {
            let lines = sim.requestLog.map { e in
                JSON.object(["method": .string(e.method), "path": .string(e.path), "status": .int(Int64(e.status)),
                             "operation": e.operationId.map(JSON.string) ?? .null]).encoded()
            }
            return [.text(lines.joined(separator: "\n"), uri: uri, mimeType: "application/jsonl")]
        }
        if uri.hasPrefix(Self.runbookPrefix), let path = shelf.path(of: String(uri.dropFirst(Self.runbookPrefix.count))),
           let data = FileManager.default.contents(atPath: path) {
            return [.text(String(decoding: data, as: UTF8.self), uri: uri, mimeType: "text/x-lua")]
        }
        if uri.hasPrefix(Self.planPrefix), let plan = ledger.plan(id: String(uri.dropFirst(Self.planPrefix.count))),
           let data = FileManager.default.contents(atPath: plan.path) {
            return [.text(String(decoding: data, as: UTF8.self), uri: uri, mimeType: "application/json")]
        }
        if uri.hasPrefix(Self.operationPrefix),
           let (_, json) = OperationSearchTool.describe(String(uri.dropFirst(Self.operationPrefix.count)).removingPercentEncoding ?? "") {
            return [.text(json.encoded(), uri: uri, mimeType: "application/json")]
        }
        throw MCPError.invalidParams("no resource \(uri) (resources/list and resources/templates/list show them)")
    }
}

/// The prompt that tells an assistant how to work with zdsh safely.
enum WorkflowPrompt {
    static let name = "zdsh_workflow"

    static let prompt = Prompt(name: name, title: "How to operate Zoho Desk through zdsh",
                               description: "The way to work: find the operation, read, dry run, read the plan, then apply.",
                               arguments: [.init(name: "task", description: "What the user wants done in Zoho Desk.", required: false)])

    static func messages(task: String?, readOnly: Bool) -> [Prompt.Message] {
        let steps = """
            You operate a Zoho Desk organization through zdsh, a sandboxed Lua shell. Work like this:
            1. Find the operations you need with search_operations, and read describe_operation for their arguments (ids first, then an options table).
            2. Read before you change: the query tool runs Lua that only reads (e.g. `return desk.tickets.list{limit = 10}`). Return only the fields you need: results are cut at the server's size limit.
            3. Make the change as a DRY RUN (run_lua or run_runbook; dry_run is true by default). Nothing is sent: you get a plan with destructive calls first, with their ids, and a plan id.
            4. Read the plan and check it does exactly what was asked — the right ids, nothing more. Tell the user what it will do.
            5. Apply it with apply_plan and the plan id. The server re-checks it against the operator's grants and caps; for destructive calls it asks the user to confirm through your client. If it is refused, report why; do not try to work around a refusal.
            Prefer a runbook from list_runbooks when one fits the task. Destructive calls never go out from run_lua directly.
            """ + (readOnly ? "\nThis server is read-only: you can search and read, but every write is refused." : "")
        var messages = [Prompt.Message.user(.text(text: steps))]
        if let task, !task.isEmpty { messages.append(Prompt.Message.user(.text(text: "The task: \(task)"))) }
        return messages
    }
}
