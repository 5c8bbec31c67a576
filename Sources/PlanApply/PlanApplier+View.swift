import DeskCatalog
import DeskGate
import JSONValue
import ShellCore

package extension PlanApplier {
    /// What is about to happen, from the re-derived calls (never from the
    /// plan's own text, apart from the before values its signature covers):
    /// the target said plainly, then the same view the dry run showed —
    /// destructive calls first, ids by role, each field as before → after —
    /// and what the drift read checked.
    func view(_ pending: [Step], of total: Int, target: PlanTarget, runbook: String?, drift: DriftCheck) -> String {
        var lines = ["Plan \(Terminal.visible(planPath))" + (runbook.map { " from \(Terminal.visible($0))" } ?? "") + " → \(target.described)"]
        if pending.count < total { lines.append("  \(total - pending.count) of \(total) calls were applied before; \(pending.count) remain") }
        if pending.isEmpty { lines.append("  nothing left to apply"); return lines.joined(separator: "\n") }
        let watched = drift.watches.count
        let unchecked = pending.filter { drift.note(for: $0.index) != nil }.count
        lines.append("  drift: " + (watched == 0 ? "no record to re-read" : "\(watched) record\(watched == 1 ? "" : "s") re-read, none changed since the plan")
                     + (unchecked == 0 ? "" : "; not checked for \(unchecked) call\(unchecked == 1 ? "" : "s") (see below)"))
        let records = pending.enumerated().map { n, step in Self.record(step, sequence: n + 1, note: drift.note(for: step.index)) }
        var renderer = PlanRenderer(calls: records)
        renderer.title = "  calls to send:"
        lines += renderer.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return lines.joined(separator: "\n")
    }

    /// A re-derived call as the renderer reads it, with the before values
    /// the plan recorded (the drift read has just found them unchanged).
    static func record(_ step: Step, sequence: Int, note: String?) -> CallRecord {
        let c = step.call, r = step.recorded
        var record = CallRecord(sequence: sequence, operationId: c.operation.id, calledAs: OperationNames.preferred(c.operation.id),
                                method: c.operation.method, path: concretePath(c.operation.path, c.path), query: c.query,
                                body: c.body, ids: c.ids, safety: c.effect.safety, outcome: .planned, status: nil,
                                errorCode: nil, message: note, durationMs: nil, rule: c.effect.rule?.id, records: c.records)
        record.before = r["before"]?.objectValue
        record.beforeNames = r["before_names"]?.objectValue?.compactMapValues(\.stringValue)
        record.beforeById = r["before_by_id"]?.objectValue?.compactMapValues(\.objectValue)
        return record
    }
}
