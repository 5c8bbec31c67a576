import JSONValue

/// One Zoho Desk API operation, as described by Zoho's OpenAPI files.
/// Generated facts only (no prose): see scripts/gen-catalog and catalog/.
public struct Operation: Sendable, Hashable {
    /// Zoho's operationId, e.g. "removeUsersFromLabel".
    public let id: String
    /// The OpenAPI file (tag) it comes from, e.g. "Label".
    public let group: String
    /// Upper-case HTTP method.
    public let method: String
    /// Path template, e.g. "/api/v1/labels/{labelId}/users/remove".
    public let path: String
    /// Path and query parameters (orgId excluded: the client sends it as a header).
    public let parameters: [Parameter]
    /// The request body, when the operation takes one.
    public let body: Body?
    /// Any one of these scopes grants the operation.
    public let scopes: [String]
    /// Documented success status codes (200, 204, …).
    public let successCodes: [Int]
    /// How a successful response wraps its payload.
    public let envelope: Envelope
    /// Maximum `limit` for list operations, when documented.
    public let maxPageSize: Int?
    /// The reviewed class of a call with no effect rule met (catalog/safety-review.tsv).
    /// A call's own class comes from `classify(query:body:)`.
    public let safety: Safety
    /// False for the few operations the spec marks without security (logos).
    public let requiresAuth: Bool
    /// Every call reaches records it does not list (empty, delete all, reassign everything).
    public let unbounded: Bool
    /// Reviewed rules that raise a call's class or reach by its arguments
    /// (catalog/effect-rules.tsv), in review order.
    public let effectRules: [EffectRule]
    /// Its purpose is to send or publish to people outside the org's agents
    /// (class `notify` in catalog/safety-review.tsv): a reply, an invitation, a
    /// community post. Such a call needs a grant of its own, whatever its class.
    public let notifies: Bool

    public init(id: String, group: String, method: String, path: String, parameters: [Parameter],
                body: Body?, scopes: [String], successCodes: [Int], envelope: Envelope,
                maxPageSize: Int?, safety: Safety, requiresAuth: Bool = true,
                unbounded: Bool = false, effectRules: [EffectRule] = [], notifies: Bool = false) {
        self.id = id; self.group = group; self.method = method; self.path = path
        self.parameters = parameters; self.body = body; self.scopes = scopes
        self.successCodes = successCodes; self.envelope = envelope
        self.maxPageSize = maxPageSize; self.safety = safety; self.requiresAuth = requiresAuth
        self.unbounded = unbounded; self.effectRules = effectRules; self.notifies = notifies
    }
}

/// Safety class of an operation. The policy layer denies `.destructive`
/// operations unless they are explicitly allowed.
public enum Safety: String, Sendable, Hashable, CaseIterable {
    case read, write, destructive
}

/// How a successful response carries its payload.
public enum Envelope: Sendable, Hashable {
    /// No body (204) or a body nobody reads.
    case empty
    /// A single bare object.
    case object
    /// `{"<key>": [...]}` — "data", "teams", "members", "agents", "associatedAgents", …
    case list(key: String)
    /// A bare JSON array.
    case bareArray
    /// `{"results": [{"success","id","errors"}]}` mass-action outcomes.
    case results
    /// A file download (application/octet-stream).
    case binary
}

public struct Parameter: Sendable, Hashable {
    public enum Location: String, Sendable, Hashable { case path, query, header }
    public let name: String
    public let location: Location
    public let required: Bool
    public let schema: Schema
    public init(name: String, location: Location, required: Bool, schema: Schema) {
        self.name = name; self.location = location; self.required = required; self.schema = schema
    }
}

public struct Body: Sendable, Hashable {
    public let contentType: String
    public let required: Bool
    /// Schema of the whole body (usually an object with properties).
    public let schema: Schema
    public init(contentType: String, required: Bool, schema: Schema) {
        self.contentType = contentType; self.required = required; self.schema = schema
    }
}

/// The subset of JSON Schema the catalog keeps: enough to validate arguments
/// before a request is sent, and for the simulator to validate bodies.
public final class Schema: Sendable, Hashable {
    /// JSON types allowed: "string", "integer", "number", "boolean", "array", "object", "null".
    /// Empty means anything.
    public let types: [String]
    /// "int64" for Zoho ids (digit strings or integers), "date-time", …
    public let format: String?
    public let enumValues: [String]?
    public let minimum: Double?
    public let maximum: Double?
    public let minLength: Int?
    public let maxLength: Int?
    public let pattern: String?
    public let items: Schema?
    public let minItems: Int?
    public let maxItems: Int?
    public let properties: [String: Schema]?
    public let requiredProperties: [String]
    /// Whether properties not listed are allowed (custom fields `cf` and friends).
    public let additionalProperties: Bool
    /// oneOf/anyOf branches of a response schema, each merged with the schema's own
    /// keys: a value must match one. (The other keys hold their loose union.) Empty
    /// in request schemas.
    public let anyOf: [Schema]

    public init(types: [String] = [], format: String? = nil, enumValues: [String]? = nil,
                minimum: Double? = nil, maximum: Double? = nil, minLength: Int? = nil,
                maxLength: Int? = nil, pattern: String? = nil, items: Schema? = nil,
                minItems: Int? = nil, maxItems: Int? = nil, properties: [String: Schema]? = nil,
                requiredProperties: [String] = [], additionalProperties: Bool = true, anyOf: [Schema] = []) {
        self.types = types; self.format = format; self.enumValues = enumValues
        self.minimum = minimum; self.maximum = maximum; self.minLength = minLength
        self.maxLength = maxLength; self.pattern = pattern; self.items = items
        self.minItems = minItems; self.maxItems = maxItems; self.properties = properties
        self.requiredProperties = requiredProperties; self.additionalProperties = additionalProperties
        self.anyOf = anyOf
    }

    public static func == (a: Schema, b: Schema) -> Bool { a === b || a.fingerprint == b.fingerprint }
    public func hash(into h: inout Hasher) { h.combine(fingerprint) }
    private var fingerprint: String {
        "\(types)|\(format ?? "")|\(enumValues ?? [])|\(String(describing: minimum))|\(String(describing: maximum))|\(String(describing: minLength))|\(String(describing: maxLength))|\(pattern ?? "")|\(items?.fingerprint ?? "")|\(String(describing: minItems))|\(String(describing: maxItems))|\((properties ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.fingerprint)" })|\(requiredProperties)|\(additionalProperties)|\(anyOf.map(\.fingerprint))"
    }
}
