import Foundation
import JSONValue
import LuaHost
import ShellCore

/// What `zdsh run`, `eval` and `apply` write to stdout under `--json`: one
/// JSON document, whatever the exit code, so `… --json | jq .` always parses.
///
///     {"result": …, "summary": {…}, "plan": {…}, "error": {…}}
///
/// `result` is the chunk's return value (an array when it returned several,
/// null when none); `summary` and `plan` appear when the run has them;
/// `error` (also written on stderr, see `ErrorDocument`) when it failed.
/// The runner fills it in as the run goes; `finish` writes it once.
package final class RunReport {
    package var values: [RunValue] = []
    package var summary: JSON?
    package var plan: JSON?
    package var error: ErrorDocument?
    /// The run's output limit: a result bigger than --max-output is left out
    /// (with a limit error) rather than cut mid-document.
    package var budget: OutputBudget = .unlimited

    package init() {}

    /// The run's counts, as the human summary line gives them.
    package static func summary(runId: String?, calls: Int, writes: Int, destructive: Int, denied: Int,
                               partlyFailed: Int, dryRun: Bool, seconds: Double, notify: Int = 0) -> JSON {
        var o: [String: JSON] = [
            "calls": .int(Int64(calls)), "writes": .int(Int64(writes)), "destructive": .int(Int64(destructive)),
            "denied": .int(Int64(denied)), "partly_failed": .int(Int64(partlyFailed)),
            "dry_run": .bool(dryRun), "seconds": .double((seconds * 1000).rounded() / 1000),
            "notify": .int(Int64(notify)),
        ]
        if let runId { o["run_id"] = .string(runId) }
        return .object(o)
    }

    /// Writes the document to stdout and, when the run failed, the error to
    /// stderr. Returns the final status (a result over the output limit
    /// turns an ok run into a limit failure).
    @discardableResult
    package func finish(status: ExitStatus) -> ExitStatus {
        var status = status
        var result = resultJSON()
        if result == nil {
            status = .limit
            error = ErrorDocument(code: .limit, message: "the result is larger than --max-output allows; it was left out")
            result = .null
        }
        if status != .ok {
            var e = error ?? ErrorDocument(code: status, message: "exit status \(status.rawValue)")
            e.code = status
            error = e
        }
        var o: [String: JSON] = ["result": result ?? .null]
        if let summary { o["summary"] = summary }
        if let plan { o["plan"] = plan }
        if let error { o["error"] = error.json }
        RunbookOutput.writeDocument(JSON.object(o).encoded(.pretty) + "\n")
        error?.emit()
        return status
    }

    /// The result as JSON, or nil when it does not fit the output budget.
    func resultJSON() -> JSON? {
        var text = BoundedText(budget)
        ValueFormatter.machine(values, into: &text)
        guard !text.isFull else { return nil }
        guard !values.isEmpty else { return .null }
        let items: [JSON] = values.map {
            switch $0 {
            case .json(let j): return j
            case .opaque(let d): return .string(d)
            }
        }
        return items.count == 1 ? items[0] : .array(items)
    }
}
