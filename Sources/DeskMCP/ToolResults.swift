import DeskGate
import Foundation
import JSONValue
import MCP
import ShellCore

/// A tool's outcome as a result sized for a model: structured content (which
/// the tool's outputSchema describes) and, for clients that read only text,
/// the same JSON serialized compactly in a text block. Both together stay
/// within the server's `--max-result` budget. Failures are tool errors
/// (isError), so the assistant reads what went wrong and can correct itself.
enum ToolResults {
    static func result(_ o: SandboxRun.Outcome, dryRun: Bool, applied: PlanApplication.Outcome?, budget: Int) -> CallTool.Result {
        var fields: [String: JSON] = [
            "run_id": .string(o.runId),
            "dry_run": .bool(dryRun),
            "status": .string(statusName(applied.map(\.status) ?? o.status)),
            "summary": .string(summary(o, dryRun: dryRun)),
        ]
        fields["result"] = o.values.count == 1 ? o.values[0] : .array(o.values)
        if !o.output.isEmpty { fields["output"] = .string(o.output) }
        if let error = o.error { fields["error"] = .string(error) }
        let denied = o.calls.filter { $0.outcome == .denied }
        if !denied.isEmpty { fields["denied"] = .array(denied.prefix(50).map(\.json)) }
        if let plan = o.plan {
            fields["plan"] = planJSON(plan)
            if dryRun { fields["next"] = .string("review the plan; to send it, call apply_plan with plan_id \(plan.id)") }
        }
        if let applied {
            var a: [String: JSON] = ["status": .string(statusName(applied.status)), "sent_calls": .int(Int64(applied.sentCalls)),
                                     "report": .string(applied.report)]
            if let answer = applied.confirmation { a["confirmation"] = .string(answer) }
            fields["apply"] = .object(a)
        }
        let failed = (applied?.status ?? o.status) != .ok
        return structured(.object(fields), isError: failed, budget: budget)
    }

    static func planJSON(_ plan: Plan) -> JSON {
        let destructive = plan.calls.filter { $0.safety == .destructive }
        let writes = plan.calls.filter { $0.safety == .write }
        return .object([
            "id": .string(plan.id),
            "destructive": .array(destructive.map(\.json)),
            "writes": .array(writes.map(\.json)),
            "text": .string(plan.render()),
        ])
    }

    static func summary(_ o: SandboxRun.Outcome, dryRun: Bool) -> String {
        let calls = o.calls
        let denied = calls.filter { $0.outcome == .denied }.count
        let counted = calls.filter { $0.outcome != .denied && !$0.notSent }
        let writes = counted.filter { $0.safety == .write }.count
        let destructive = counted.filter { $0.safety == .destructive }.count
        return String(format: "%d call%@ (%d write%@, %d destructive, %d denied%@) in %.2fs",
                      calls.count, calls.count == 1 ? "" : "s", writes, writes == 1 ? "" : "s", destructive, denied,
                      dryRun ? ", dry run" : "", o.seconds)
    }

    static func statusName(_ s: ExitStatus) -> String {
        switch s {
        case .ok: return "ok"
        case .luaError: return "lua_error"
        case .usage: return "usage_error"
        case .denied: return "denied"
        case .limit: return "limit"
        case .apiError: return "api_error"
        case .stalePlan: return "stale_plan"
        case .stateUnwritable: return "local_state_unwritable"
        case .interrupted, .terminated: return "interrupted"
        }
    }

    /// Structured content and its compact serialization as the text block,
    /// fitted together into `budget` bytes.
    static func structured(_ value: JSON, isError: Bool = false, budget: Int) -> CallTool.Result {
        var fitted = value
        if case .object(let fields) = value, budget > 0, value.encodedBytes().count * 2 > budget {
            fitted = .object(ResultBudget.fit(fields, bytes: budget / 2))
        }
        return CallTool.Result(content: [.text(text: fitted.encoded(), annotations: nil, _meta: nil)],
                               structuredContent: Optional(ValueBridge.value(fitted)) as Value?, isError: isError)
    }
}
