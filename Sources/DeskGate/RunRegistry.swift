import DeskCore
import Foundation
import GRDB
import JSONValue
import ShellCore

/// Every `zdsh run` of a runbook file: what ran where, when, and how it
/// ended — so `zdsh runs` can show what to resume, and `--resume` can
/// refuse anything that is not the same job (fail closed).
package final class RunRegistry: Sendable {
    package enum State: String, Sendable {
        case running, complete, failed, interrupted, denied
        case dryRun = "dry run"
        // Stopped by a sandbox limit: resumable, and not a failure of the job.
        case stoppedTimeLimit = "stopped (time limit)"
        case stoppedMemoryLimit = "stopped (memory limit)"
        case stoppedInstructionLimit = "stopped (instruction limit)"
        case stoppedOutputLimit = "stopped (output limit)"
        case stoppedCallCap = "stopped (call cap)"
        case stoppedWriteCap = "stopped (write cap)"
        case stoppedDestructiveCap = "stopped (destructive cap)"
    }

    package struct Run: Sendable {
        package let id: String
        package let runbook: String
        package let sha256: String
        package let parameters: JSON
        package let profile: String
        package let org: String?
        package let simulator: Bool
        package let started: String
        package let finished: String?
        package let state: State
        package let pid: Int32
        package let summary: String?
        /// For an apply: the run id of the dry run whose plan it applied.
        package let plannedRun: String?
        /// For the apply of an undo plan: the run it reverts.
        package var reverts: String? = nil

        /// A run recorded as running whose process is gone was killed.
        package var effectiveState: String {
            if state == .running && kill(pid, 0) != 0 && errno == ESRCH { return "interrupted (killed)" }
            return state.rawValue
        }
    }

    private let db: DatabaseQueue

    package init(path: String = Journal.defaultPath()) throws {
        db = try JournalDatabase.open(path: path)
    }

    package func start(id: String, runbook: String, sha256: String, parameters: JSON, profile: String, org: String?,
                      simulator: Bool, dryRun: Bool) throws {
        do { try record(id: id, runbook: runbook, sha256: sha256, parameters: parameters, profile: profile, org: org,
                        simulator: simulator, dryRun: dryRun) }
        catch { throw LocalStateError("run registry", error) }
    }

    private func record(id: String, runbook: String, sha256: String, parameters: JSON, profile: String, org: String?,
                        simulator: Bool, dryRun: Bool) throws {
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO runs(run_id, runbook, sha256, parameters, profile, org, sim, started, state, pid)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(run_id) DO UPDATE SET state = excluded.state, pid = excluded.pid, finished = NULL
                """, arguments: [id, runbook, sha256, parameters.encoded(), profile, org, simulator ? 1 : 0,
                                 UTCTimestamp.string(), (dryRun ? State.dryRun : .running).rawValue, getpid()])
        }
    }

    /// An apply of a plan, listed by `zdsh runs` with the dry run it applies.
    /// Async: the write runs on GRDB's writer queue, not the cooperative pool.
    package func startApply(id: String, plannedRun: String, runbook: String, sha256: String, parameters: JSON,
                           profile: String, org: String?, simulator: Bool, reverts: String? = nil) async throws {
        let pid = getpid(), parameters = parameters.encoded(), now = UTCTimestamp.string()
        try await db.write { db in
            try db.execute(sql: """
                INSERT INTO runs(run_id, runbook, sha256, parameters, profile, org, sim, started, state, pid, planned_run, reverts)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(run_id) DO UPDATE SET state = excluded.state, pid = excluded.pid, started = excluded.started,
                  finished = NULL, summary = NULL
                """, arguments: [id, runbook, sha256, parameters, profile, org, simulator ? 1 : 0,
                                 now, State.running.rawValue, pid, plannedRun, reverts])
        }
    }

    /// Async: the write runs on GRDB's writer queue, not the cooperative pool.
    package func finish(id: String, state: State, summary: String?) async {
        let now = UTCTimestamp.string()
        _ = try? await db.write { db in
            try db.execute(sql: "UPDATE runs SET state = ?, finished = ?, summary = ? WHERE run_id = ?",
                           arguments: [state.rawValue, now, summary, id])
        }
    }

    package func run(id: String) throws -> Run? {
        try db.read { db in try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE run_id = ?", arguments: [id]) }.map(Self.decode)
    }

    /// The completed apply of an undo of `run`, if there is one.
    package func undone(run: String) throws -> Run? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE reverts = ? AND state = ? ORDER BY started DESC LIMIT 1",
                             arguments: [run, State.complete.rawValue])
        }.map(Self.decode)
    }

    package func recent(limit: Int = 20) throws -> [Run] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY started DESC, rowid DESC LIMIT ?", arguments: [limit])
        }.map(Self.decode)
    }

    private static func decode(_ row: Row) -> Run {
        let params: String = row["parameters"]
        return Run(id: row["run_id"], runbook: row["runbook"], sha256: row["sha256"],
                   parameters: (try? JSON.parse(Array(params.utf8))) ?? .object([:]),
                   profile: row["profile"], org: row["org"], simulator: (row["sim"] as Int) != 0,
                   started: row["started"], finished: row["finished"],
                   state: State(rawValue: row["state"]) ?? .failed, pid: Int32(row["pid"] as Int), summary: row["summary"],
                   plannedRun: row["planned_run"], reverts: row["reverts"])
    }
}
