import DeskCatalog
import JSONValue

/// A successful Desk answer. Ids stay strings: the body is parsed into
/// `JSON` as sent, with nothing coerced.
public enum DeskResult: Sendable, Hashable {
    /// 204 No Content, or an empty body.
    case empty
    case json(JSON)
    /// A download (application/octet-stream and other non-JSON bodies).
    case binary(bytes: [UInt8], contentType: String?)

    /// The JSON body, when the answer had one.
    public var json: JSON? {
        if case .json(let j) = self { return j }
        return nil
    }

    /// The records of a list answer, whatever the envelope: `data`, `teams`,
    /// `members`, `agents`, `associatedAgents`, or a bare array. Empty for 204.
    /// Nil when the answer is not a list.
    public var items: [JSON]? { items(envelope: nil) }

    /// The records of a list answer in the catalog's `envelope` (nil: guess from the body).
    public func items(envelope: Envelope?) -> [JSON]? {
        switch self {
        case .empty: return []
        case .binary: return nil
        case .json(let j): return DeskResult.listItems(j, envelope: envelope)
        }
    }

    static let listKeys = ["data", "teams", "members", "agents", "associatedAgents"]

    static func listItems(_ j: JSON, envelope: Envelope?) -> [JSON]? {
        if case .list(let key) = envelope, let list = j[key]?.arrayValue { return list }
        if let list = j.arrayValue { return list }
        guard let object = j.objectValue else { return nil }
        for key in listKeys { if let list = object[key]?.arrayValue { return list } }
        // `{"someKey": [...]}` with nothing else (or only a count) is a list too.
        let arrays = object.filter { $0.value.arrayValue != nil }
        if arrays.count == 1, object.count <= 2 { return arrays.first!.value.arrayValue }
        return nil
    }

    /// Per-id outcomes of a mass action (`{"results":[…]}`); nil otherwise.
    public var results: [MassActionOutcome]? {
        guard let list = json?["results"]?.arrayValue else { return nil }
        return list.map(MassActionOutcome.init)
    }
}

/// One line of a mass-action answer: did this id succeed, and if not why.
public struct MassActionOutcome: Sendable, Hashable {
    /// The id the line is about, when Zoho named it.
    public let id: String?
    /// Whether the action succeeded for this id.
    public let success: Bool
    /// Zoho's error code for this id, when it failed.
    public let errorCode: String?
    /// The status Zoho gave this id, when it gave one.
    public let httpCode: Int?
    /// Zoho's words about this id.
    public let message: String?
    /// The line as sent.
    public let raw: JSON

    init(_ j: JSON) {
        raw = j
        id = j["id"]?.stringValue ?? j["id"]?.intValue.map(String.init)
        success = j["success"]?.boolValue ?? (j["success"]?.stringValue == "true")
        let errors = j["errors"]
        errorCode = errors?["errorCode"]?.stringValue
        httpCode = errors?["httpCode"].flatMap { $0.intValue.map(Int.init) }
        message = errors?["errorMessage"]?.stringValue ?? errors?["message"]?.stringValue
    }
}
