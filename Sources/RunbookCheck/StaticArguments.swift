import DeskCatalog
import DeskGate
import JSONValue
import LuaHost

/// Turns a call's statically known arguments into the JSON the gate would
/// see. A value only known at run time becomes a stand-in that fits its
/// schema, and its name is remembered, so an error about it (which says
/// nothing about the runbook) is not reported.
struct StaticArguments {
    /// Argument names (wire or option keys) and positions whose values were stand-ins.
    var standIns: Set<String> = []
    var standInPositions: Set<Int> = []
    /// Where each named field and positional argument was written.
    var fieldTokens: [String: SourceToken] = [:]
    var positionTokens: [Int: SourceToken] = [:]

    /// A value for `schema` that the validator accepts, as far as one is easy to make.
    static func standIn(for schema: Schema?) -> JSON {
        guard let schema else { return .string("1") }
        if SchemaValidator.isIdSchema(schema) { return .string("1") }
        if let first = schema.enumValues?.first { return .string(first) }
        let types = Set(schema.types)
        if types.contains("array") {
            let item = standIn(for: schema.items)
            return .array(Array(repeating: item, count: max(1, schema.minItems ?? 1)))
        }
        if types.contains("object") { return .object([:]) }
        if types.contains("boolean") { return .bool(true) }
        if types.contains("integer") || types.contains("number") { return .int(Int64(schema.minimum ?? 1)) }
        return .string(String(repeating: "x", count: max(1, schema.minLength ?? 1)))
    }

    /// A table as JSON: only items → a list; names → an object (unknown
    /// values replaced through `schemaOf`); nil when its shape is not known.
    mutating func json(_ table: StaticTable, topLevel: Bool, schemaOf: (String) -> Schema?) -> JSON? {
        if table.fields.isEmpty { return .object([:]) }
        if table.fields.allSatisfy({ if case .position = $0.key { return true } else { return false } }) {
            var items: [JSON] = []
            for f in table.fields {
                guard let v = Self.known(f.value) else { return nil }
                items.append(v)
            }
            return .array(items)
        }
        var out: [String: JSON] = [:]
        for f in table.fields {
            guard case .name(let name) = f.key else { return nil }
            if topLevel { fieldTokens[name] = f.token }
            if let v = Self.known(f.value) {
                out[name] = v
            } else if topLevel {
                out[name] = Self.standIn(for: schemaOf(name))
                standIns.insert(name)
            } else {
                return nil
            }
        }
        return .object(out)
    }

    /// A fully literal value as JSON.
    static func known(_ value: StaticValue) -> JSON? {
        switch value {
        case .literal(let j): return j
        case .unknown: return nil
        case .table(let t):
            var scratch = StaticArguments()
            return scratch.json(t, topLevel: false) { _ in nil }
        }
    }

    /// Whether an error is about a value the runbook gives only at run time.
    func excuses(_ e: ArgumentError) -> Bool {
        if let p = e.position, standInPositions.contains(p) { return true }
        guard let name = e.name else { return false }
        let top = String(name.split(separator: "/").first ?? "")
        return standIns.contains(top)
    }

    /// Where to report an error: the field, the positional argument, else the call.
    func token(for e: ArgumentError, call: SourceToken) -> SourceToken {
        if let name = e.name, let t = fieldTokens[String(name.split(separator: "/").first ?? "")] { return t }
        if let p = e.position, let t = positionTokens[p] { return t }
        return call
    }
}
