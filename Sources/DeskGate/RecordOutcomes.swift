import DeskCore
import JSONValue
import LuaHost
import ShellCore

/// Zoho's mass actions answer 200 with `results: [{id, success, errors}]`,
/// and single ids can fail while the others succeed. These are the per-id
/// outcomes of one call, so the audit log, the journal, resume and the
/// runbook see exactly which records changed.
package struct RecordOutcomes: Sendable, Equatable {
    package struct Failure: Sendable, Equatable {
        package let id: String
        package let code: String
        package let message: String
    }

    package var succeeded: [String] = []
    package var failed: [Failure] = []

    package var isPartial: Bool { !failed.isEmpty }

    /// The per-id outcomes in a response, if it carries any.
    package init?(_ result: DeskResult) {
        guard let entries = result.json?["results"]?.arrayValue else { return nil }
        for e in entries {
            guard let id = e["id"].flatMap(ArgumentBinder.scalarString) else { continue }
            if e["success"] == .bool(false) {
                let err = e["errors"]
                let code = err?["errorCode"]?.stringValue ?? err?["code"]?.stringValue ?? "FAILED"
                let message = err?["errorMessage"]?.stringValue ?? err?["error"]?.stringValue ?? err?["message"]?.stringValue ?? "failed"
                failed.append(Failure(id: id, code: code, message: message))
            } else {
                succeeded.append(id)
            }
        }
    }

    package init(succeeded: [String] = [], failed: [Failure] = []) {
        self.succeeded = succeeded; self.failed = failed
    }

    package var json: JSON {
        .object(["succeeded": .array(succeeded.map(JSON.string)),
                 "failed": .array(failed.map { ["id": .string($0.id), "code": .string($0.code), "message": .string($0.message)] })])
    }
}

/// A mass action in which some ids failed, raised to the runbook unless it
/// asked for partial results (`{ partial = true }`): a runbook that ignores
/// it must not go on as if every record changed (and, say, delete the label).
package struct PartialFailure: Error, LuaRaisable, CustomStringConvertible {
    package let operation: String
    package let calledAs: String
    package let outcomes: RecordOutcomes

    package var description: String {
        let shown = outcomes.failed.prefix(5).map { "\(Terminal.visible($0.id)) (\(Terminal.visible($0.code)): \(Terminal.visible($0.message)))" }
        let more = outcomes.failed.count > 5 ? ", … \(outcomes.failed.count) in all" : ""
        return "\(calledAs): \(outcomes.failed.count) of \(outcomes.failed.count + outcomes.succeeded.count) records failed: \(shown.joined(separator: ", "))\(more); the others succeeded. Pass { partial = true } to get the per-id results instead of this error."
    }

    package var luaErrorValue: JSON {
        var o = outcomes.json.objectValue ?? [:]
        o["code"] = "PARTIAL_FAILURE"
        o["operation"] = .string(operation)
        o["called_as"] = .string(calledAs)
        o["message"] = .string(description)
        o["_text"] = .string(description)
        o["zdsh_error"] = "api"
        return .object(o)
    }
}
