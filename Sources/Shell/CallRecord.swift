import DeskCatalog
import JSONValue

/// One API call the code attempted, whatever became of it. Scenario tests
/// read these through `calls()`; plans and summaries are built from them.
public struct CallRecord: Sendable {
    public enum Outcome: String, Sendable {
        case sent, failed, denied, planned, invalid
    }

    public let sequence: Int
    public let operationId: String
    public let calledAs: String
    public let method: String
    public let path: String
    public let query: [String: String]
    public let body: JSON?
    public let ids: [String]
    public let safety: Safety
    public var outcome: Outcome
    public var status: Int?
    public var errorCode: String?
    public var message: String?
    public var durationMs: Int?
    /// The effect rule that made this call destructive, when one did.
    public var rule: String? = nil
    /// Records the call affects (nil: an unbounded set).
    public var records: Int? = 1
    /// It sends or publishes to outside people (class notify, or a notify rule met).
    public var notifies = false
    /// Per-id outcomes of a mass action, when Zoho reported them.
    public var outcomes: RecordOutcomes? = nil
    /// A dry run's update of one record: the current value of each field
    /// the body sets, read before planning (nil: no read, or it failed).
    public var before: [String: JSON]? = nil
    /// Names of the records the `before` ids point at, where the read
    /// showed them (`assigneeId` → the assignee's name).
    public var beforeNames: [String: String]? = nil
    /// Body fields sent unchecked through `desk.unchecked{…}` ("/field").
    public var unchecked: [String] = []
    /// A dry run's mass action (`ids` in the body): per id it could read,
    /// the current value of each field the action sets on that record.
    public var beforeById: [String: [String: JSON]]? = nil
    /// Passed the gate but never left: its run ended first (RunSends.swift).
    public var notSent = false

    public var json: JSON {
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
func concretePath(_ template: String, _ values: [String: String]) -> String {
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
