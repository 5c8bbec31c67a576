import JSONValue
import ShellCore

package extension RunDetails {
    /// `zdsh runs show ID`: labelled lines, every value from the run escaped.
    package var text: String {
        let v = { (s: String) in Terminal.visible(s) }
        var lines = [
            "run:         \(v(run.id))",
            "runbook:     \(v(run.runbook))",
            "sha256:      \(run.sha256)",
            "target:      \(run.simulator ? "the simulator" : "profile \(v(run.profile))" + (run.org.map { ", org \(v($0))" } ?? ""))",
            "state:       \(run.effectiveState)",
            "started:     \(v(run.started))" + (run.finished.map { "   finished: \(v($0))" } ?? ""),
        ]
        if case .object(let params) = run.parameters, !params.isEmpty {
            lines.append("parameters:")
            for (k, value) in params.sorted(by: { $0.key < $1.key }) { lines.append("  \(v(k)) = \(v(value.encoded()))") }
        } else {
            lines.append("parameters:  (none)")
        }
        if let s = run.summary { lines.append("summary:     \(v(s))") }
        lines.append("progress:    \(completed) call\(completed == 1 ? "" : "s") completed, \(partial) partly, \(unknown) sent without an answer (journal)")
        let order = ["ok", "failed", "denied", "no outcome"]
        let byOutcome = order.compactMap { k in outcomes[k].map { "\($0) \(k)" } }
        lines.append("writes and deletions: " + (byOutcome.isEmpty ? "none audited" : byOutcome.joined(separator: ", ")) + " (audit log)")
        if let skipped = skippedOnResume { lines.append("skipped on resume: \(skipped)") }
        if run.state == .dryRun { lines.append("plan:        made by this dry run (plan id \(v(run.id))); zdsh apply PLAN_FILE applies it") }
        for link in links { lines.append("\(link.relation): \(v(link.id)) (\(link.state))") }
        if resumable { lines.append("resume:      \(resumeCommand)  (add the --allow flags the run had)") }
        return lines.joined(separator: "\n")
    }

    /// `zdsh runs show ID --json`.
    package var json: JSON {
        var o: [String: JSON] = [
            "id": .string(run.id), "runbook": .string(run.runbook), "sha256": .string(run.sha256),
            "parameters": run.parameters, "profile": .string(run.profile), "sim": .bool(run.simulator),
            "started": .string(run.started), "state": .string(run.effectiveState),
            "progress": ["completed": .int(Int64(completed)), "partial": .int(Int64(partial)), "unknown": .int(Int64(unknown))],
            "calls_by_outcome": .object(outcomes.mapValues { .int(Int64($0)) }),
            "links": .array(links.map { ["relation": .string($0.relation), "run": .string($0.id), "state": .string($0.state)] }),
        ]
        if let org = run.org { o["org"] = .string(org) }
        if let f = run.finished { o["finished"] = .string(f) }
        if let s = run.summary { o["summary"] = .string(s) }
        if let skipped = skippedOnResume { o["skipped_on_resume"] = .int(Int64(skipped)) }
        if let p = run.plannedRun { o["planned_run"] = .string(p) }
        if run.state == .dryRun { o["plan"] = .string(run.id) }
        if resumable { o["resume_command"] = .string(resumeCommand) }
        return .object(o)
    }
}
