import Foundation
@preconcurrency import DeskCore
import JSONValue
import MCP
@preconcurrency import Shell

/// Answers `tools/call`: checks the arguments against the tool's schema
/// (a mistake is an invalid-params error; nothing runs), runs the tool, and
/// audits the call with the client's name whatever its outcome.
struct ToolDispatcher: Sendable {
    let target: DeskTarget
    let ledger: SessionLedger
    let shelf: RunbookShelf
    let confirmer: Confirmer

    func call(_ params: CallTool.Parameters) async throws -> CallTool.Result {
        guard let allowed = ToolCatalog.arguments[params.name] else {
            let names = ToolCatalog.arguments.keys.sorted().joined(separator: ", ")
            throw MCPError.invalidParams("unknown tool '\(params.name)' (this server has: \(names))")
        }
        let args = try ToolArguments(tool: params.name, values: params.arguments, allowed: allowed)
        let result: CallTool.Result
        var detail: [String: JSON] = [:]
        do {
            result = try await dispatch(params.name, args, detail: &detail)
        } catch {
            audit(tool: params.name, status: "invalid_params", detail: ["error": .string("\(error)")])
            throw error
        }
        audit(tool: params.name, status: result.isError == true ? "error" : "ok", detail: detail)
        return result
    }

    private func dispatch(_ tool: String, _ args: ToolArguments, detail: inout [String: JSON]) async throws -> CallTool.Result {
        switch tool {
        case ToolCatalog.searchOperations:
            let found = OperationSearch.search(try args.string("query"), destructiveOnly: try args.bool("destructive_only", default: false),
                                               limit: try args.integer("limit", default: 50, range: 1...200))
            return ToolResults.text(found.encoded(.pretty), structured: found)
        case ToolCatalog.describeOperation:
            let name = try args.string("name")
            guard let (text, json) = OperationSearch.describe(name) else {
                throw MCPError.invalidParams("\(tool): no operation or binding named '\(name)' (search_operations finds them)")
            }
            return ToolResults.text(text, structured: json)
        case ToolCatalog.runLua:
            let code = try args.string("code")
            let dryRun = try args.bool("dry_run", default: true)
            let outcome = await SandboxRun(target: target, ledger: ledger, source: .chunk(Array(code.utf8)), dryRun: dryRun).execute()
            detail = runDetail(outcome, dryRun: dryRun)
            return ToolResults.result(outcome, dryRun: dryRun, maxBytes: target.configuration.limits.maxOutput)
        case ToolCatalog.applyPlan:
            let planId = try args.string("plan_id")
            detail["plan_id"] = .string(planId)
            let outcome = await PlanApplication(target: target, ledger: ledger, confirmer: confirmer).apply(planId: planId)
            detail["exit_status"] = .int(Int64(outcome.status.rawValue))
            let fields: JSON = .object(["plan_id": .string(planId), "status": .string(ToolResults.statusName(outcome.status)),
                                        "applied": .bool(outcome.status == .ok), "report": .string(outcome.report)])
            return ToolResults.text(outcome.report.isEmpty ? ToolResults.statusName(outcome.status) : outcome.report,
                                  isError: outcome.status != .ok, structured: fields)
        case ToolCatalog.listRunbooks:
            let (entries, problems) = shelf.entries()
            var fields: [String: JSON] = ["runbooks": .array(entries.map(RunbookShelf.json))]
            if !problems.isEmpty { fields["unreadable"] = .array(problems.map(JSON.string)) }
            if shelf.directory == nil { fields["note"] = .string("the server was started without --runbooks") }
            return ToolResults.text(JSON.object(fields).encoded(.pretty), structured: .object(fields))
        case ToolCatalog.describeRunbook:
            let entry = try shelf.entry(try args.string("runbook"))
            return ToolResults.text(entry.spec.describe(file: entry.path) + "\n\nparams_schema: " + ValueBridge.json(RunbookShelf.parameterSchema(entry.spec)).encoded(),
                                  structured: RunbookShelf.json(entry))
        case ToolCatalog.runRunbook:
            return try await runRunbook(args, detail: &detail)
        default:
            throw MCPError.invalidParams("unknown tool '\(tool)'")
        }
    }

    private func runRunbook(_ args: ToolArguments, detail: inout [String: JSON]) async throws -> CallTool.Result {
        let name = try args.string("runbook")
        guard let path = shelf.path(of: name) else { _ = try shelf.entry(name); throw MCPError.invalidParams("no runbook named '\(name)'") }
        let raw = try RunbookShelf.rawParameters(try args.object("params"), tool: ToolCatalog.runRunbook)
        let dryRun = try args.bool("dry_run", default: true)
        let outcome = await SandboxRun(target: target, ledger: ledger, source: .runbook(path: path, parameters: raw), dryRun: dryRun).execute()
        detail = runDetail(outcome, dryRun: dryRun)
        detail["runbook"] = .string(path)
        return ToolResults.result(outcome, dryRun: dryRun, maxBytes: target.configuration.limits.maxOutput)
    }

    private func runDetail(_ o: SandboxRun.Outcome, dryRun: Bool) -> [String: JSON] {
        var d: [String: JSON] = ["run_id": .string(o.runId), "dry_run": .bool(dryRun),
                                 "exit_status": .int(Int64(o.status.rawValue)), "summary": .string(ToolResults.summary(o, dryRun: dryRun))]
        if let plan = o.plan { d["plan_id"] = .string(plan.id) }
        return d
    }

    /// One record per tool call, next to the per-call records the gate writes.
    private func audit(tool: String, status: String, detail: [String: JSON]) {
        var r = target.auditContext(runId: detail["run_id"]?.stringValue ?? "mcp-session", client: ledger.clientName)
        r.merge(detail) { _, new in new }
        r["time"] = .string(UTCTimestamp.string())
        r["phase"] = .string("tool")
        r["called_as"] = .string("mcp.\(tool)")
        r["outcome"] = .string(status)
        // The calls a tool made failed closed on their own audit lines; a
        // lost summary line of the tool itself stops nothing.
        try? target.audit.append(.object(r))
    }
}
