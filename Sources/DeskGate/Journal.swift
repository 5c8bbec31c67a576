import DeskCore
import Foundation
import GRDB
import JSONValue
import ShellCore
import Synchronization

/// Completed mutating calls of each run, in SQLite, so that
/// `zdsh run FILE --resume RUN_ID` can re-run a runbook and skip the calls
/// that already succeeded instead of repeating them.
///
/// A call is identified by operation, concrete path, query and body; the
/// same call made twice in a run is counted twice, and skipped at most as
/// many times as it completed.
package final class Journal: Sendable {
    package let runId: String
    /// The SQLite file, named in errors.
    package let path: String
    /// The database, opened at its first use unless resuming: an eval or a
    /// runbook that sends no write never opens it (a millisecond or two of a
    /// start). A failure to open is a failure to write: the call that needed
    /// it is not sent (`LocalStateError`, exit 7).
    private let store: Mutex<Store?>
    /// Opened with `--resume`: only then can a call have been made before.
    private let resuming: Bool
    private let resumed: Mutex<Resumed>

    /// What the resumed run left, taken once per use.
    private struct Resumed {
        /// Completions per call key, each skipping one call.
        var remaining: [String: Int] = [:]
        /// Ids that succeeded per mass-action call key.
        var partials: [String: Set<String>] = [:]
        /// Calls sent but never answered, per call key.
        var unknown: [String: Int] = [:]
    }

    /// `$XDG_STATE_HOME/zdsh/journal.sqlite`.
    package static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        ((AuditLog.defaultPath(environment: environment) as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("journal.sqlite")
    }

    /// The open database and its grouped writer.
    struct Store {
        let db: DatabaseQueue
        let writes: GroupCommit
    }

    /// The journal for `runId`; with `resuming`, the calls that completed in
    /// that run are skipped once each (read now, so the file is opened now).
    package init(path: String, runId: String, resuming: Bool) throws {
        self.runId = runId
        self.path = path
        self.resuming = resuming
        if resuming {
            let db = try JournalDatabase.open(path: path)
            store = Mutex(Store(db: db, writes: GroupCommit(db)))
            resumed = Mutex(try Self.load(db, runId: runId))
        } else {
            store = Mutex(nil)
            resumed = Mutex(Resumed())
        }
    }

    /// The database, opened (and migrated) by the first caller; callers at
    /// the same moment wait for that one open.
    func opened() throws -> Store {
        try store.withLock { store in
            if let store { return store }
            let db = try JournalDatabase.open(path: path)
            let made = Store(db: db, writes: GroupCommit(db))
            store = made
            return made
        }
    }

    var db: DatabaseQueue { get throws { try opened().db } }

    private static func load(_ db: DatabaseQueue, runId: String) throws -> Resumed {
        var resumed = Resumed()
        let keys = try db.read { db in
            try String.fetchAll(db, sql: "SELECT call_key FROM completed WHERE run_id = ?", arguments: [runId])
        }
        for k in keys { resumed.remaining[k, default: 0] += 1 }
        let pending = try db.read { db in
            try String.fetchAll(db, sql: "SELECT call_key FROM inflight WHERE run_id = ?", arguments: [runId])
        }
        for k in pending { resumed.unknown[k, default: 0] += 1 }
        let rows = try db.read { db in
            try Row.fetchAll(db, sql: "SELECT call_key, succeeded FROM partial WHERE run_id = ?", arguments: [runId])
        }
        for row in rows {
            let ids = (try? JSON.parse(Array((row["succeeded"] as String).utf8)))?.arrayValue?.compactMap(\.stringValue) ?? []
            resumed.partials[row["call_key"], default: []].formUnion(ids)
        }
        return resumed
    }

    /// Runs that have journal entries, newest first.
    package func knows(run: String) throws -> Bool {
        try db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM completed WHERE run_id = ?", arguments: [run]) ?? 0 } > 0
    }

    static func key(_ call: PreparedCall) -> String {
        let q = call.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return "\(call.operation.method) \(concretePath(call.operation.path, call.path))?\(q) \(call.body?.encoded() ?? "")"
    }

    /// True (once per completion) when this call completed in the resumed run.
    func completed(_ call: PreparedCall) -> Bool {
        guard resuming else { return false }
        let k = Journal.key(call)
        return resumed.withLock { r in
            guard let n = r.remaining[k], n > 0 else { return false }
            r.remaining[k] = n - 1
            return true
        }
    }

    // The writes below are async and grouped: concurrent calls share one
    // transaction on GRDB's writer queue (GroupCommit), so a synchronous
    // SQLite commit never blocks a thread of the cooperative pool. Each
    // takes the call's key, computed once per call by the sender, and throws
    // `LocalStateError` when the database cannot be written: the sender stops
    // a call whose in-flight mark failed, and reports the others.

    func markCompleted(_ key: String) async throws {
        let runId = runId, now = UTCTimestamp.string()
        try await write { db in
            try db.cachedStatement(sql: "INSERT INTO completed(run_id, call_key, time) VALUES (?, ?, ?)")
                .execute(arguments: [runId, key, now])
            try Journal.clearInFlight(db, runId: runId, key: key)
        }
    }

    /// A grouped write whose failure says which file could not be written.
    private func write(_ body: @escaping GroupCommit.Write) async throws {
        do { try await opened().writes.write(body) } catch let e as LocalStateError { throw e } catch {
            throw LocalStateError("journal \(path)", error)
        }
    }

    /// One in-flight mark of this call is settled (the same call may be in
    /// flight more than once).
    private static func clearInFlight(_ db: Database, runId: String, key: String) throws {
        try db.cachedStatement(sql: "DELETE FROM inflight WHERE rowid IN (SELECT rowid FROM inflight WHERE run_id = ? AND call_key = ? LIMIT 1)")
            .execute(arguments: [runId, key])
    }

    /// Written before a mutating call is sent: a record left here after the
    /// process died is a call whose outcome is unknown.
    func markInFlight(_ key: String) async throws {
        let runId = runId, now = UTCTimestamp.string()
        try await write { db in
            try db.cachedStatement(sql: "INSERT INTO inflight(run_id, call_key, time) VALUES (?, ?, ?)")
                .execute(arguments: [runId, key, now])
        }
    }

    /// The call failed with a known answer: it is no longer in flight.
    func markSettled(_ key: String) async throws {
        let runId = runId
        try await write { db in
            try Journal.clearInFlight(db, runId: runId, key: key)
        }
    }

    /// A mass action in which some ids failed: the ids that succeeded, so a
    /// resumed run sends the same call for the failed ids only.
    func markPartial(_ key: String, succeeded: [String]) async throws {
        let runId = runId, now = UTCTimestamp.string()
        let ids = JSON.array(succeeded.map(JSON.string)).encoded()
        try await write { db in
            try db.cachedStatement(sql: "INSERT INTO partial(run_id, call_key, succeeded, time) VALUES (?, ?, ?, ?)")
                .execute(arguments: [runId, key, ids, now])
            try Journal.clearInFlight(db, runId: runId, key: key)
        }
    }

    /// Ids that already succeeded in the resumed run for this call (nil: none recorded).
    func succeededBefore(_ call: PreparedCall) -> Set<String>? {
        guard resuming else { return nil }
        let k = Journal.key(call)
        return resumed.withLock { $0.partials[k] }
    }

    /// True (once per record) when this call's outcome in the resumed run is unknown.
    func outcomeUnknown(_ call: PreparedCall) -> Bool {
        guard resuming else { return false }
        let k = Journal.key(call)
        return resumed.withLock { r in
            guard let n = r.unknown[k], n > 0 else { return false }
            r.unknown[k] = n - 1
            return true
        }
    }

    /// Keys recorded under this run id (apply's own bookkeeping: one key
    /// per plan call, and one for the plan as a whole).
    package func completedKeys() throws -> Set<String> {
        Set(try db.read { try String.fetchAll($0, sql: "SELECT call_key FROM completed WHERE run_id = ?", arguments: [runId]) })
    }

    /// Calls of this run sent and never settled: in doubt for a resume.
    func inFlightCount() throws -> Int {
        try db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM inflight WHERE run_id = ?", arguments: [runId]) ?? 0 }
    }

    package func markCompleted(key: String) async throws {
        let runId = runId
        let now = UTCTimestamp.string()
        try await write { db in
            try db.cachedStatement(sql: "INSERT INTO completed(run_id, call_key, time) VALUES (?, ?, ?)")
                .execute(arguments: [runId, key, now])
        }
    }

    package func integrityCheck() throws -> String {
        try db.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "?" }
    }
}

/// The SQLite file shared by the journal and the run registry, with its
/// schema. One migrator for both, so neither meets a migration it does not know.
package enum JournalDatabase {
    /// Opens (and creates or migrates) the database; `LocalStateError` when
    /// it cannot be written.
    package static func open(path: String) throws -> DatabaseQueue {
        do { return try openOrFail(path: path) } catch let e as LocalStateError { throw e } catch {
            throw LocalStateError("journal \(path)", error)
        }
    }

    private static func openOrFail(path: String) throws -> DatabaseQueue {
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        var config = Configuration()
        config.busyMode = .timeout(10)
        // Write-ahead log, synced at checkpoints only: a commit survives the
        // process being killed (what --resume is for) without an fsync per
        // call; the audit log, not the journal, is the durable record.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let db = try DatabaseQueue(path: path, configuration: config)
        try db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
        for suffix in ["", "-wal", "-shm"] { chmod(path + suffix, 0o600) }
        try migrate(db)
        return db
    }

    /// Brings the schema up to date while another process may be doing the
    /// same. GRDB reads which migrations are applied, then runs each in an
    /// immediate transaction: the loser of a race waits for the winner's
    /// transaction (the busy timeout) and then fails with "already exists".
    /// Each such failure follows a migration the winner committed, so trying
    /// again at once, as many times as there are migrations, is enough —
    /// no sleep of our own on the caller's thread (often the cooperative pool).
    private static func migrate(_ db: DatabaseQueue) throws {
        let migrator = schema
        var failures = 0
        while true {
            do { try migrator.migrate(db); return } catch {
                failures += 1
                if failures > migrator.migrations.count { throw error }
            }
        }
    }

    /// The tables of the journal and the run registry, migration by migration.
    static var schema: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE completed (
                  run_id TEXT NOT NULL,
                  call_key TEXT NOT NULL,
                  time TEXT NOT NULL
                );
                CREATE INDEX completed_run ON completed(run_id);
                """)
        }
        migrator.registerMigration("v2-runs") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                  run_id TEXT PRIMARY KEY,
                  runbook TEXT NOT NULL,
                  sha256 TEXT NOT NULL,
                  parameters TEXT NOT NULL,
                  profile TEXT NOT NULL,
                  org TEXT,
                  sim INTEGER NOT NULL,
                  started TEXT NOT NULL,
                  finished TEXT,
                  state TEXT NOT NULL,
                  pid INTEGER NOT NULL,
                  summary TEXT
                );
                CREATE TABLE inflight (
                  run_id TEXT NOT NULL,
                  call_key TEXT NOT NULL,
                  time TEXT NOT NULL
                );
                CREATE INDEX inflight_run ON inflight(run_id);
                """)
        }
        migrator.registerMigration("v3-partial") { db in
            try db.execute(sql: """
                CREATE TABLE partial (
                  run_id TEXT NOT NULL,
                  call_key TEXT NOT NULL,
                  succeeded TEXT NOT NULL,
                  time TEXT NOT NULL
                );
                CREATE INDEX partial_run ON partial(run_id);
                """)
        }
        migrator.registerMigration("v4-applies") { db in
            // An apply's row names the dry run whose plan it applied.
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN planned_run TEXT")
        }
        registerUndoMigrations(&migrator)
        return migrator
    }
}
