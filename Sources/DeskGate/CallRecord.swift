import DeskCatalog
import JSONValue

/// One API call the code attempted, whatever became of it. Scenario tests
/// read these through `calls()`; plans and summaries are built from them.
package struct CallRecord: Sendable {
    package enum Outcome: String, Sendable {
        case sent, failed, denied, planned, invalid
    }

    package let sequence: Int
    package let operationId: String
    package let calledAs: String
    package let method: String
    package let path: String
    package let query: [String: String]
    package let body: JSON?
    package let ids: [String]
    package let safety: Safety
    package var outcome: Outcome
    package var status: Int?
    package var errorCode: String?
    package var message: String?
    package var durationMs: Int?
    /// The effect rule that made this call destructive, when one did.
    package var rule: String? = nil
    /// Records the call affects (nil: an unbounded set).
    package var records: Int? = 1
    /// It sends or publishes to outside people (class notify, or a notify rule met).
    package var notifies = false
    /// Per-id outcomes of a mass action, when Zoho reported them.
    package var outcomes: RecordOutcomes? = nil
    /// A dry run's update of one record: the current value of each field
    /// the body sets, read before planning (nil: no read, or it failed).
    package var before: [String: JSON]? = nil
    /// Names of the records the `before` ids point at, where the read
    /// showed them (`assigneeId` → the assignee's name).
    package var beforeNames: [String: String]? = nil
    /// Body fields sent unchecked through `desk.unchecked{…}` ("/field").
    package var unchecked: [String] = []
    /// A dry run's mass action (`ids` in the body): per id it could read,
    /// the current value of each field the action sets on that record.
    package var beforeById: [String: [String: JSON]]? = nil
    /// Passed the gate but never left: its run ended first (RunSends.swift).
    package var notSent = false

    package init(sequence: Int, operationId: String, calledAs: String, method: String, path: String, query: [String: String],
                 body: JSON?, ids: [String], safety: Safety, outcome: Outcome, status: Int?, errorCode: String?,
                 message: String?, durationMs: Int?, rule: String? = nil, records: Int? = 1, notifies: Bool = false,
                 outcomes: RecordOutcomes? = nil, before: [String: JSON]? = nil, beforeNames: [String: String]? = nil,
                 unchecked: [String] = [], beforeById: [String: [String: JSON]]? = nil, notSent: Bool = false) {
        self.sequence = sequence
        self.operationId = operationId
        self.calledAs = calledAs
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.ids = ids
        self.safety = safety
        self.outcome = outcome
        self.status = status
        self.errorCode = errorCode
        self.message = message
        self.durationMs = durationMs
        self.rule = rule
        self.records = records
        self.notifies = notifies
        self.outcomes = outcomes
        self.before = before
        self.beforeNames = beforeNames
        self.unchecked = unchecked
        self.beforeById = beforeById
        self.notSent = notSent
    }

    package var json: JSON {
        var o: [String: JSON] = [
            "seq": .int(Int64(sequence)),
            "operation": .string(operationId),
            "called_as": .string(calledAs),
            "method": .string(method),
            "path": .string(path),
            "safety": .string(safety.rawValue),
            "outcome": .string(outcome.rawValue),
            "ids": .array(ids.map(JSON.string)),
        ]
        if !query.isEmpty { o["query"] = .object(query.mapValues(JSON.string)) }
        if let body { o["body"] = body }
        if notSent { o["not_sent"] = .bool(true) }
        if let status { o["status"] = .int(Int64(status)) }
        if let errorCode { o["error_code"] = .string(errorCode) }
        if let message { o["message"] = .string(message) }
        if let durationMs { o["duration_ms"] = .int(Int64(durationMs)) }
        if let rule { o["rule"] = .string(rule) }
        if notifies { o["notify"] = .bool(true) }
        if let before { o["before"] = .object(before) }
        if !unchecked.isEmpty { o["unchecked"] = .array(unchecked.map(JSON.string)) }
        if let beforeNames { o["before_names"] = .object(beforeNames.mapValues(JSON.string)) }
        if let beforeById { o["before_by_id"] = .object(beforeById.mapValues { .object($0) }) }
        if let outcomes { o["succeeded"] = outcomes.json["succeeded"]; o["failed"] = outcomes.json["failed"] }
        o["records"] = records.map { .int(Int64($0)) } ?? .string("unbounded")
        return .object(o)
    }
}

/// Expands a path template with the call's values, for display and plans.
/// One pass over the template (it runs several times per call); a
/// placeholder without a value stays as written.
package func concretePath(_ template: String, _ values: [String: String]) -> String {
    guard !values.isEmpty, template.utf8.contains(UInt8(ascii: "{")) else { return template }
    var out = ""
    out.reserveCapacity(template.utf8.count + 32)
    var rest = Substring(template)
    while let open = rest.firstIndex(of: "{") {
        out += rest[..<open]
        guard let close = rest[open...].firstIndex(of: "}") else { return out + rest[open...] }
        let name = rest[rest.index(after: open)..<close]
        if let value = values[String(name)] { out += value } else { out += rest[open...close] }
        rest = rest[rest.index(after: close)...]
    }
    out += rest
    return out
}
