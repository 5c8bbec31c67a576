import Foundation
import JSONValue
import MCP
@preconcurrency import Shell

/// A run's outcome as a tool result: the structured form (result, plan with
/// destructive calls first and their ids, summary) and a text form for
/// clients that show only text. Failures are tool errors (isError), so the
/// assistant reads what went wrong and can correct its code.
enum ToolResults {
    static func result(_ o: SandboxRun.Outcome, dryRun: Bool, maxBytes: Int) -> CallTool.Result {
        var fields: [String: JSON] = [
            "run_id": .string(o.runId),
            "dry_run": .bool(dryRun),
            "status": .string(statusName(o.status)),
            "summary": .string(summary(o, dryRun: dryRun)),
        ]
        let value: JSON = o.values.count == 1 ? o.values[0] : .array(o.values)
        fields["result"] = bounded(value, maxBytes: maxBytes)
        if !o.output.isEmpty { fields["output"] = .string(o.output) }
        if let error = o.error { fields["error"] = .string(error) }
        let denied = o.calls.filter { $0.outcome == .denied }
        if !denied.isEmpty { fields["denied"] = .array(denied.prefix(50).map(\.json)) }
        if let plan = o.plan { fields["plan"] = planJSON(plan) }

        var text: [String] = []
        if let error = o.error { text.append("Error: \(error)") }
        if !o.values.isEmpty { text.append("Result:\n" + (fields["result"]?.encoded(.pretty) ?? "null")) }
        if !o.output.isEmpty { text.append("Output:\n" + o.output) }
        if let plan = o.plan {
            text.append(plan.render() + "\nPlan id: \(plan.id) — review it, then call apply_plan with this id to send it.")
        }
        for d in denied.prefix(20) { text.append("Denied: \(d.calledAs) \(d.ids.prefix(10).joined(separator: ", ")) — \(d.message ?? "")") }
        text.append("zdsh: " + (fields["summary"]?.stringValue ?? ""))
        return Self.text(text.joined(separator: "\n\n"), isError: o.status != .ok, structured: .object(fields))
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

    /// A result larger than the output limit is replaced by a note: the
    /// assistant narrows its query instead of flooding its context.
    static func bounded(_ value: JSON, maxBytes: Int) -> JSON {
        let size = value.encodedBytes().count
        guard maxBytes > 0, size > maxBytes else { return value }
        return .string("(result of \(size) bytes is larger than the server's --max-output of \(maxBytes) bytes; return less, e.g. only the fields or records you need)")
    }

    static func text(_ s: String, isError: Bool = false, structured: JSON? = nil) -> CallTool.Result {
        CallTool.Result(content: [.text(text: s, annotations: nil, _meta: nil)],
                        structuredContent: structured.map(ValueBridge.value), isError: isError)
    }
}
