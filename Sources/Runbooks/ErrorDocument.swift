import DeskCore
import DeskGate
import Foundation
import JSONValue
import LuaHost
import ShellCore

/// How a failure reads for automation (`--json`): one JSON object on one
/// line, the last line zdsh writes to stderr. `code` is the exit code, so a
/// script can branch on either; the other fields say what failed where the
/// host knows it (the operation, Zoho's HTTP status and error code, the
/// field errors, the ids that failed or were denied).
package struct ErrorDocument: Sendable, Equatable {
    package var code: ExitStatus
    package var message: String
    package var operation: String?
    package var status: Int64?
    /// Zoho's error code (`INVALID_DATA`) or zdsh's (`POLICY_DENIED`, `PARTIAL_FAILURE`).
    package var errorCode: String?
    package var fields: JSON?
    package var failed: [String]?

    package init(code: ExitStatus, message: String) {
        self.code = code; self.message = message
    }

    package var json: JSON {
        var o: [String: JSON] = ["code": .int(Int64(code.rawValue)), "message": .string(message)]
        if let operation { o["operation"] = .string(operation) }
        if let status { o["status"] = .int(status) }
        if let errorCode { o["error_code"] = .string(errorCode) }
        if let fields { o["fields"] = fields }
        if let failed { o["failed"] = .array(failed.map(JSON.string)) }
        return .object(o)
    }

    /// The document for a chunk that failed with `error` and ended with `code`.
    package static func from(_ error: LuaError, code: ExitStatus) -> ErrorDocument {
        var doc = ErrorDocument(code: code, message: error.description)
        guard case .runtime(_, _, let value) = error else { return doc }
        switch value {
        case .object(let o):
            // The host's own error tables: their fields are facts.
            doc.operation = o["operation"]?.stringValue
            if case .int(let s)? = o["status"] { doc.status = s }
            doc.errorCode = o["code"]?.stringValue
            if let f = o["fields"], f != .array([]) { doc.fields = f }
            doc.failed = failedIds(o)
        case .table(let t):
            // A table Lua built: its message only (its other fields prove nothing).
            if let m = t.objectValue?["message"]?.stringValue { doc.message = m }
        case .string, .other:
            break
        }
        return doc
    }

    /// The document for an error thrown before or around the run (a bad
    /// flag, a refused policy, a connection that failed).
    package static func from(thrown error: Error, code: ExitStatus) -> ErrorDocument {
        ErrorDocument(code: code, message: "\(error)").merging(thrown: error)
    }

    /// This document with the facts a thrown error carries (its message kept as is).
    func merging(thrown error: Error) -> ErrorDocument {
        var doc = self
        if let desk = error as? DeskError {
            doc.operation = desk.operationId
            doc.status = desk.status.map { Int64($0) }
            doc.errorCode = desk.errorCode.map { String($0.prefix(200)) }
        }
        return doc
    }

    /// Ids the failure concerns: the failed ids of a partial failure, the ids of a denied call.
    static func failedIds(_ o: JSON) -> [String]? {
        if let failed = o["failed"]?.arrayValue {
            return failed.compactMap { $0.objectValue?["id"]?.stringValue ?? $0.stringValue }
        }
        if o["code"] == "POLICY_DENIED", let ids = o["ids"]?.arrayValue, !ids.isEmpty {
            return ids.compactMap(\.stringValue)
        }
        return nil
    }

    /// Writes the document as one line on stderr (escaped on a terminal,
    /// like every other line zdsh shows there).
    package func emit() {
        let line = json.encoded()
        let shown = isatty(STDERR_FILENO) != 0 ? Terminal.visible(line) : line
        FileHandle.standardError.write(Data((shown + "\n").utf8))
    }
}

package extension ErrorDocument {
    /// The calls the policy denied (the runbook may have caught the errors;
    /// the run still fails with 3).
    static func denied(_ calls: [CallRecord]) -> ErrorDocument {
        var doc = ErrorDocument(code: .denied, message: "\(calls.count) call\(calls.count == 1 ? " was" : "s were") denied by policy"
                                + (calls.first?.message.map { ": \($0)" } ?? ""))
        doc.operation = calls.first?.operationId
        doc.errorCode = "POLICY_DENIED"
        var seen = Set<String>()
        doc.failed = calls.flatMap(\.ids).filter { seen.insert($0).inserted }
        return doc
    }
}
