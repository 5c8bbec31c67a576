import Foundation
import GRDB
import JSONValue
import DeskGate

/// `zdsh runs show ID`: one run in full — what ran with which parameters
/// against which target, how far it got (the journal), its writes and
/// deletions by outcome (the audit log), what a resume skipped, how to
/// resume it, its plan and the runs linked to it (applies of its plan, or
/// the dry run an apply applied). Links are listed generically (relation and
/// run id), so other kinds of linked runs can join the list.
package struct RunDetails {
    package let run: RunRegistry.Run
    /// Journal rows of this run: calls completed, partly completed, sent without an answer.
    package var completed = 0, partial = 0, unknown = 0
    /// The run's audited calls (writes and deletions) by outcome: ok, failed, denied, no outcome.
    package var outcomes: [String: Int] = [:]
    /// Runs linked to this one: (relation, run id, state).
    package var links: [(relation: String, id: String, state: String)] = []

    /// The run `id` from the registry at `journal`, with its journal rows and
    /// the audit log its target writes to (`auditPath` overrides). nil: no such run.
    package static func load(id: String, journal: String = Journal.defaultPath(), auditPath: String? = nil) throws -> RunDetails? {
        let registry = try RunRegistry(path: journal)
        guard let run = try registry.run(id: id) else { return nil }
        var d = RunDetails(run: run)
        try d.countJournal(path: journal)
        d.countAudit(path: auditPath ?? (run.simulator ? AuditLog.simulatorPath() : AuditLog.defaultPath()))
        if let planned = run.plannedRun {
            d.links.append(("applies the plan of", planned, (try registry.run(id: planned))?.effectiveState ?? "unknown"))
        }
        for other in try registry.recent(limit: 100_000) where other.plannedRun == id {
            d.links.append(("plan applied by", other.id, other.effectiveState))
        }
        return d
    }

    private mutating func countJournal(path: String) throws {
        let db = try JournalDatabase.open(path: path)
        let id = run.id
        (completed, partial, unknown) = try db.read { db in
            func count(_ table: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE run_id = ?", arguments: [id]) ?? 0
            }
            return (try count("completed"), try count("partial"), try count("inflight"))
        }
    }

    /// Per call: its outcome record (ok below 400, else failed), a denial,
    /// or an intent with no outcome (its answer never came).
    private mutating func countAudit(path: String) {
        guard let records = try? AuditQuery(run: run.id, count: Int.max / 4).tail(path: path).records else { return }
        var intents = 0, answered = 0
        for r in records {
            switch r["phase"]?.stringValue {
            case "intent": intents += 1
            case "outcome":
                answered += 1
                let status = r["status"]?.intValue ?? 0
                outcomes[(200..<400).contains(status) ? "ok" : "failed", default: 0] += 1
            case "denied": outcomes["denied", default: 0] += 1
            default: break
            }
        }
        if intents > answered { outcomes["no outcome", default: 0] += intents - answered }
    }

    /// Calls a resume skipped, as the run's last summary says.
    package var skippedOnResume: Int? {
        guard let s = run.summary, let r = s.range(of: #"(\d+) skipped"#, options: .regularExpression) else { return nil }
        return Int(s[r].prefix { $0.isNumber })
    }

    /// Whether `--resume` would take this run.
    package var resumable: Bool {
        run.plannedRun == nil && ![.complete, .dryRun].contains(run.state)
    }

    /// The command that finishes this run (the grants are the operator's to repeat).
    package var resumeCommand: String {
        var args = ["zdsh", "run", run.runbook]
        if case .object(let params) = run.parameters {
            for (k, v) in params.sorted(by: { $0.key < $1.key }) { args += ["--param", "\(k)=\(Self.parameterText(v))"] }
        }
        args += run.simulator ? ["--sim"] : ["--profile", run.profile] + (run.org.map { ["--org", $0] } ?? [])
        args += ["--resume", run.id]
        return args.map(Runner.shellQuoted).joined(separator: " ")
    }

    /// A parameter as `--param` takes it: a list comma-separated, a scalar as text.
    static func parameterText(_ v: JSON) -> String {
        if case .array(let items) = v { return items.map(parameterText).joined(separator: ",") }
        return v.stringValue ?? v.encoded()
    }
}
