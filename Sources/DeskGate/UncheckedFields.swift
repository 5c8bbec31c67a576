import JSONValue

/// `desk.unchecked{…}`: the operator's explicit, audited way to send a body
/// field Zoho's spec does not list (a field the spec omits and
/// catalog/spec-gaps.tsv does not have yet). The Lua wrapper copies the table
/// and adds one key, `marker`, holding the names of its fields; the schema
/// check lets those names through where they are unknown (fields the spec
/// knows are checked as always), drops the marker, and reports each field
/// let through so the call's audit records and plan carry it. Grants, caps
/// and effect rules apply to the call as to any other.
package enum UncheckedFields {
    /// The key the wrapper adds. Random per process, so no API response,
    /// cassette, fixture or plan file can carry a working marker: only code
    /// that called `desk.unchecked` in this process holds it.
    package static let marker: String = {
        var generator = SystemRandomNumberGenerator()
        let suffix = (0..<2).map { _ -> String in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
        return "zdsh.unchecked.\(suffix)"
    }()

    /// Removes the marker from an object's fields; the names it lets through.
    static func take(from fields: inout [String: JSON], at path: String) throws -> Set<String> {
        guard let value = fields.removeValue(forKey: marker) else { return [] }
        switch value {
        case .array(let names):
            return Set(names.compactMap(\.stringValue))
        case .object(let o) where o.isEmpty:
            return []
        default:
            throw SchemaValidator.Failure(path: path, expected: "desk.unchecked{…} marks a table of body fields")
        }
    }

    /// The body again with markers where `paths` (as recorded in a plan:
    /// "/field", "/list/0/field") say fields were let through, so a plan
    /// applied later passes the same check. Paths that lead nowhere add nothing.
    package static func reapply(_ paths: [String], to body: JSON) -> JSON {
        var body = body
        for path in paths {
            let parts = path.split(separator: "/").map(String.init)
            guard let field = parts.last else { continue }
            body = mark(body, along: parts.dropLast()[...], field: field)
        }
        return body
    }

    private static func mark(_ value: JSON, along steps: ArraySlice<String>, field: String) -> JSON {
        switch value {
        case .object(var o):
            guard let step = steps.first else {
                var names = o[marker]?.arrayValue ?? []
                names.append(.string(field))
                o[marker] = .array(names)
                return .object(o)
            }
            if let inner = o[step] { o[step] = mark(inner, along: steps.dropFirst(), field: field) }
            return .object(o)
        case .array(var items):
            guard let step = steps.first, let n = Int(step), items.indices.contains(n) else { return value }
            items[n] = mark(items[n], along: steps.dropFirst(), field: field)
            return .array(items)
        default:
            return value
        }
    }
}
