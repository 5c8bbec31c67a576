import DeskCore
import DeskGate
import Foundation
import JSONValue
import MCP

/// Answers `tools/call`: checks the arguments against the tool's schema
/// (a mistake is an invalid-params error; nothing runs), runs the tool, and
/// audits the call with the session and client whatever its outcome.
struct ToolDispatcher: Sendable {
    let target: DeskTarget
    let ledger: SessionLedger
    let shelf: RunbookShelf
    let confirmer: Confirmer
    let runs: ActiveRuns
    let slots: RunSlots
    let progress: ProgressReporter
    /// Who asks, for the audit (over HTTP: the token's holder).
    var caller: [String: JSON] = [:]

    private var mode: ToolCatalog.Mode { target.toolMode }
    private var budget: Int { target.configuration.maxResultBytes }

    func call(_ params: CallTool.Parameters) async throws -> CallTool.Result {
        let offered = Set(ToolCatalog.names(mode))
        guard offered.contains(params.name), let allowed = ToolCatalog.arguments[params.name] else {
            let why = ToolCatalog.arguments[params.name] != nil ? " (this server is read-only)" : ""
            throw MCPError.invalidParams("unknown tool '\(params.name)'\(why); this server has: \(offered.sorted().joined(separator: ", "))")
        }
        let args = try ToolArguments(tool: params.name, values: params.arguments, allowed: allowed)
        let result: CallTool.Result
        var detail: [String: JSON] = [:]
        do {
            result = try await dispatch(params.name, args, token: params._meta?.progressToken, detail: &detail)
        } catch {
            audit(tool: params.name, status: "invalid_params", detail: detail.merging(["error": .string("\(error)")]) { _, n in n })
            throw error
        }
        audit(tool: params.name, status: result.isError == true ? "error" : "ok", detail: detail)
        return result
    }

    private func dispatch(_ tool: String, _ args: ToolArguments, token: ProgressToken?, detail: inout [String: JSON]) async throws -> CallTool.Result {
        switch tool {
        case ToolCatalog.searchOperations:
            let found = OperationSearchTool.search(try args.string("query"), destructiveOnly: try args.bool("destructive_only", default: false),
                                                   limit: try args.integer("limit", default: 20, range: 1...200))
            return ToolResults.structured(found, budget: budget)
        case ToolCatalog.describeOperation:
            let name = try args.string("name")
            guard let (_, json) = OperationSearchTool.describe(name) else {
                throw MCPError.invalidParams("\(tool): no operation or binding named '\(name)' (search_operations finds them)")
            }
            return ToolResults.structured(json, budget: budget)
        case ToolCatalog.query, ToolCatalog.runLua:
            let code = try args.string("code")
            let dryRun = tool == ToolCatalog.query ? true : try args.bool("dry_run", default: true)
            detail["code_sha256"] = .string(RunbookSpec.sha256(Array(code.utf8)))
            let run = SandboxRun(target: target, ledger: ledger, source: .chunk(Array(code.utf8)),
                                 mode: tool == ToolCatalog.query ? .query : .plan,
                                 auditExtra: caller.merging(["code_sha256": detail["code_sha256"]!]) { _, n in n })
            return try await runAndMaybeApply(run, dryRun: dryRun, token: token, detail: &detail)
        case ToolCatalog.applyPlan:
            return await applyPlan(try args.string("plan_id"), detail: &detail)
        case ToolCatalog.listRunbooks:
            let (entries, problems) = shelf.entries()
            var fields: [String: JSON] = ["runbooks": .array(entries.map(RunbookShelf.json))]
            if !problems.isEmpty { fields["unreadable"] = .array(problems.map(JSON.string)) }
            if shelf.directory == nil { fields["note"] = .string("the server was started without --runbooks") }
            return ToolResults.structured(.object(fields), budget: budget)
        case ToolCatalog.describeRunbook:
            let entry = try shelf.entry(try args.string("runbook"))
            return ToolResults.structured(RunbookShelf.json(entry), budget: budget)
        case ToolCatalog.runRunbook:
            return try await runRunbook(args, token: token, detail: &detail)
        case ToolCatalog.undo:
            let runId = try args.string("run_id")
            detail["reverts"] = .string(runId)
            return UndoTool(target: target, ledger: ledger).plan(reverting: runId, budget: budget)
        default:
            throw MCPError.invalidParams("unknown tool '\(tool)'")
        }
    }

    private func applyPlan(_ planId: String, detail: inout [String: JSON]) async -> CallTool.Result {
        detail["plan_id"] = .string(planId)
        let outcome = await PlanApplication(target: target, ledger: ledger, confirmer: confirmer, caller: caller).apply(planId: planId)
        detail["exit_status"] = .int(Int64(outcome.status.rawValue))
        if let path = ledger.plan(id: planId)?.path { detail["plan_path"] = .string(path) }
        if let answer = outcome.confirmation { detail["confirmation"] = .string(answer) }
        let fields: JSON = .object(["plan_id": .string(planId), "status": .string(ToolResults.statusName(outcome.status)),
                                    "applied": .bool(outcome.status == .ok), "sent_calls": .int(Int64(outcome.sentCalls)),
                                    "report": .string(outcome.report.isEmpty ? ToolResults.statusName(outcome.status) : outcome.report)])
        return ToolResults.structured(fields, isError: outcome.status != .ok, budget: budget)
    }

    private func runRunbook(_ args: ToolArguments, token: ProgressToken?, detail: inout [String: JSON]) async throws -> CallTool.Result {
        let name = try args.string("runbook")
        guard let path = shelf.path(of: name) else { _ = try shelf.entry(name); throw MCPError.invalidParams("no runbook named '\(name)'") }
        let raw = try RunbookShelf.rawParameters(try args.object("params"), tool: ToolCatalog.runRunbook)
        let dryRun = try args.bool("dry_run", default: true)
        detail["runbook"] = .string(path)
        let run = SandboxRun(target: target, ledger: ledger, source: .runbook(path: path, parameters: raw), mode: .plan, auditExtra: caller)
        return try await runAndMaybeApply(run, dryRun: dryRun, token: token, detail: &detail)
    }

    /// Runs the Lua in a slot (at most --max-runs at once), reporting
    /// progress when the client asked for it; without dry run, applies the
    /// plan the run made — confirmed and re-checked like apply_plan — but
    /// only when the run itself ended well, so nothing is half applied.
    private func runAndMaybeApply(_ run: SandboxRun, dryRun: Bool, token: ProgressToken?, detail: inout [String: JSON]) async throws -> CallTool.Result {
        let handle = RunHandle()
        let reporting = progress.start(token: token, handle: handle)
        let finished = await slots.run { await run.execute(handle: handle, runs: runs) }
        reporting?.cancel()
        guard let outcome = finished else { throw CancellationError() }
        var applied: PlanApplication.Outcome?
        if !dryRun, outcome.status == .ok, let plan = outcome.plan {
            applied = await PlanApplication(target: target, ledger: ledger, confirmer: confirmer, caller: caller).apply(planId: plan.id)
        } else if !dryRun, outcome.status != .ok, outcome.plan != nil {
            applied = PlanApplication.Outcome(status: outcome.status, report: "the run did not end well, so its plan was not applied; nothing was sent")
        }
        detail.merge(runDetail(outcome, dryRun: dryRun, applied: applied)) { _, n in n }
        return ToolResults.result(outcome, dryRun: dryRun, applied: applied, budget: budget)
    }

    private func runDetail(_ o: SandboxRun.Outcome, dryRun: Bool, applied: PlanApplication.Outcome?) -> [String: JSON] {
        var d: [String: JSON] = ["run_id": .string(o.runId), "dry_run": .bool(dryRun),
                                 "exit_status": .int(Int64((applied?.status ?? o.status).rawValue)),
                                 "summary": .string(ToolResults.summary(o, dryRun: dryRun))]
        if let plan = o.plan {
            d["plan_id"] = .string(plan.id)
            if let path = ledger.plan(id: plan.id)?.path { d["plan_path"] = .string(path) }
        }
        if let answer = applied?.confirmation { d["confirmation"] = .string(answer) }
        return d
    }

    /// One record per tool call, next to the per-call records the gate writes.
    private func audit(tool: String, status: String, detail: [String: JSON]) {
        var r = target.auditContext(runId: detail["run_id"]?.stringValue ?? "mcp-session", client: ledger.clientName)
        r.merge(caller) { _, new in new }
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
