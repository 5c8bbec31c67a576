import DeskCatalog
import DeskCore
import Foundation
import GRDB
import JSONValue
import ShellCore

/// What `zdsh undo` reads back: every mutating call a run sent and Zoho
/// accepted, in order, with what its inverse needs (catalog/inverses.tsv):
/// the arguments, the values before (restore-fields), and of the answer only
/// what the inverse and the drift check need — the created record's id, the
/// values the record holds after an update. A call that failed, or whose
/// outcome is unknown, is not here: undo covers what the journal says was sent.
///
/// The journal is local state like the audit log, and kept the same way: no
/// credential (a value that looks like one is redacted, and the entry then
/// says so and is not undone with it), no upload content, and no body at
/// all for a call nothing can undo.
package struct UndoEntry: Sendable {
    package let order: Int
    package let operation: String
    package let path: [String: String]
    package let query: [String: String]
    package let body: JSON?
    /// Field → its value before the call (restore-fields); nil: not read.
    package let before: [String: JSON]?
    /// `id`: a created record's; `after`: field → the value an update left,
    /// as its answer said; `succeeded`: the ids a partly failed mass action changed.
    package let result: [String: JSON]
    /// A value in it looked like a credential and was redacted.
    package let redacted: Bool
}

package extension Journal {
    /// Files one sent call for `zdsh undo`, in the same grouped write as its
    /// completion mark (`mark`), so the two never disagree.
    func recordForUndo(_ p: PreparedCall, before: [String: JSON]?, answer: DeskResult, outcomes: RecordOutcomes?,
                       redactor: Redactor) -> GroupCommit.Write {
        let row = UndoRow(p, before: before, answer: answer, outcomes: outcomes, redactor: redactor)
        let runId = runId, now = UTCTimestamp.string()
        return { db in
            try db.cachedStatement(sql: """
                INSERT INTO undo_log(run_id, operation, path, query, body, before, result, redacted, time)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [runId, row.operation, row.path, row.query, row.body, row.before, row.result,
                                         row.redacted ? 1 : 0, now])
        }
    }

    /// A grouped write of the journal's own (the sender's marks use it).
    func writeGrouped(_ body: @escaping GroupCommit.Write) async throws {
        do { try await opened().writes.write(body) } catch let e as LocalStateError { throw e } catch {
            throw LocalStateError("journal \(path)", error)
        }
    }

    /// The calls `run` sent, in the order they were answered.
    package static func undoEntries(run: String, path: String = Journal.defaultPath()) throws -> [UndoEntry] {
        let db = try JournalDatabase.open(path: path)
        return try db.read { db in
            try Row.fetchAll(db, sql: "SELECT rowid, * FROM undo_log WHERE run_id = ? ORDER BY rowid", arguments: [run])
        }.map(UndoRow.entry)
    }
}

/// One call as the undo log stores it: JSON text, scrubbed.
private struct UndoRow {
    let operation: String
    let path: String
    let query: String
    var body: String?
    var before: String?
    var result: String?
    var redacted = false

    init(_ p: PreparedCall, before values: [String: JSON]?, answer: DeskResult, outcomes: RecordOutcomes?, redactor: Redactor) {
        operation = p.operation.id
        path = JSON.object(p.path.mapValues(JSON.string)).encoded()
        query = JSON.object(p.query.mapValues(JSON.string)).encoded()
        let kind = InverseFact.of(p.operation.id)?.kind ?? .irreversible
        // A call nothing undoes keeps no data; an upload never keeps its content.
        if kind != .irreversible && kind != .deleteCreated && p.uploads.isEmpty { body = scrub(p.body?.encoded(), redactor) }
        if kind == .restoreFields || kind == .membership { before = scrub(values.map { JSON.object($0).encoded() }, redactor) }
        var kept: [String: JSON] = [:]
        if kind == .deleteCreated, let id = answer.json?["id"] { kept["id"] = id }
        if kind == .restoreFields, case .object(let sent)? = p.body {
            // What the record holds now, as the answer says; a field it leaves out is as sent.
            let answered = CurrentValuesRead.currentValues(of: sent, in: answer.json ?? .null).before
            kept["after"] = .object(sent.mapValues { $0 }.merging(answered) { _, now in now })
        }
        if let outcomes, outcomes.isPartial { kept["succeeded"] = .array(outcomes.succeeded.map(JSON.string)) }
        result = scrub(JSON.object(kept).encoded(), redactor)
    }

    /// The text with credentials redacted; a change marks the row.
    private mutating func scrub(_ text: String?, _ redactor: Redactor) -> String? {
        guard let text else { return nil }
        let clean = redactor.scrub(text)
        if clean != text { redacted = true }
        return clean
    }

    static func entry(_ row: Row) -> UndoEntry {
        func json(_ column: String) -> JSON? {
            guard let text = row[column] as String? else { return nil }
            return try? JSON.parse(Array(text.utf8))
        }
        func strings(_ column: String) -> [String: String] {
            (json(column)?.objectValue ?? [:]).compactMapValues(\.stringValue)
        }
        return UndoEntry(order: row["rowid"], operation: row["operation"], path: strings("path"), query: strings("query"),
                         body: json("body"), before: json("before")?.objectValue, result: json("result")?.objectValue ?? [:],
                         redacted: (row["redacted"] as Int) != 0)
    }
}

package extension JournalDatabase {
    /// The undo log (v5) and the run registry's link from an undo to the run it reverts (v6).
    static func registerUndoMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-undo") { db in
            // Each mutating call a run sent, with what `zdsh undo` needs (UndoLog.swift).
            try db.execute(sql: """
                CREATE TABLE undo_log (
                  run_id TEXT NOT NULL,
                  operation TEXT NOT NULL,
                  path TEXT NOT NULL,
                  query TEXT NOT NULL,
                  body TEXT,
                  before TEXT,
                  result TEXT,
                  redacted INTEGER NOT NULL,
                  time TEXT NOT NULL
                );
                CREATE INDEX undo_log_run ON undo_log(run_id);
                """)
        }
        migrator.registerMigration("v6-reverts") { db in
            // An undo's apply names the run it reverts.
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN reverts TEXT")
        }
    }
}
