import DeskCatalog
import Foundation
import JSONValue
import ShellCore
import Synchronization

/// Checks a value against the catalog's schema subset before anything is
/// sent, and normalises what Zoho expects (ids as digit strings).
package enum SchemaValidator {
    struct Failure: Error {
        /// JSON-pointer-like location inside the argument ("" = the argument itself).
        let path: String
        let expected: String
        /// A field the schema does not list (not a bad value).
        var isUnknownField = false
    }

    private static let regexCache = Mutex<[String: NSRegularExpression]>([:])

    package static func isIdSchema(_ s: Schema) -> Bool {
        s.format == "int64" || s.pattern == "([0-9]+)" || s.pattern == "[0-9]+"
    }

    /// Returns the normalised value or throws where it does not fit.
    static func check(_ value: JSON, _ schema: Schema, at path: String = "", depth: Int = 0,
                      requireTopLevel: Bool = true) throws -> JSON {
        var unchecked: [String] = []
        return try check(value, schema, at: path, depth: depth, requireTopLevel: requireTopLevel, unchecked: &unchecked)
    }

    /// As `check`, also listing (as paths) the fields let through unchecked
    /// because the runbook wrapped their table in `desk.unchecked{…}`.
    static func check(_ value: JSON, _ schema: Schema, at path: String = "", depth: Int = 0,
                      requireTopLevel: Bool = true, unchecked: inout [String]) throws -> JSON {
        if depth > 20 { return value }
        var value = value
        let types = Set(schema.types)
        // An empty Lua table is an object; where a list is expected it is an empty list.
        if value == .object([:]), types.contains("array"), !types.contains("object") { value = .array([]) }
        // Zoho ids: accept integers and digit strings, send strings.
        if isIdSchema(schema), types.isEmpty || types.contains("string") {
            return try checkId(value, nullable: types.contains("null"), at: path)
        }
        if !types.isEmpty && !matchesType(value, types) {
            throw Failure(path: path, expected: "\(describe(types)) expected, got \(value.typeName)")
        }
        if let e = schema.enumValues, !e.isEmpty, case .string(let s) = value, !e.contains(s) {
            let hint = NameSuggestions(e).hint(for: s).map { "; \($0)" } ?? ""
            throw Failure(path: path, expected: "one of \(e.prefix(12).joined(separator: ", "))\(e.count > 12 ? ", …" : "") expected, got \"\(s.prefix(40))\"\(hint)")
        }
        switch value {
        case .int, .double:
            let d = value.doubleValue ?? 0
            if let min = schema.minimum, d < min { throw Failure(path: path, expected: "a value ≥ \(fmt(min)) expected, got \(value)") }
            if let max = schema.maximum, d > max { throw Failure(path: path, expected: "a value ≤ \(fmt(max)) expected, got \(value)") }
        case .string(let s):
            try checkString(s, schema, at: path)
        case .array(let items):
            if let min = schema.minItems, items.count < min { throw Failure(path: path, expected: "at least \(min) item\(min == 1 ? "" : "s") expected, got \(items.count)") }
            if let itemSchema = schema.items {
                var checked: [JSON] = []
                checked.reserveCapacity(items.count)
                for (n, item) in items.enumerated() {
                    checked.append(try check(item, itemSchema, at: "\(path)/\(n)", depth: depth + 1, unchecked: &unchecked))
                }
                value = .array(checked)
            }
        case .object(let fields):
            value = try checkObject(fields, schema, at: path, depth: depth, requireTopLevel: requireTopLevel, unchecked: &unchecked)
        default:
            break
        }
        return value
    }

    /// An id: a non-negative integer (sent as its digits) or a digit string.
    private static func checkId(_ value: JSON, nullable: Bool, at path: String) throws -> JSON {
        switch value {
        case .int(let i) where i >= 0:
            return .string(String(i))
        case .string(let s):
            guard !s.isEmpty, s.allSatisfy(\.isASCII), s.allSatisfy(\.isNumber) else {
                throw Failure(path: path, expected: "an id (digit string) expected, got \"\(s.prefix(40))\"")
            }
            return value
        case .null where nullable:
            return value
        default:
            throw Failure(path: path, expected: "an id (digit string) expected, got \(value.typeName)")
        }
    }

    private static func checkString(_ s: String, _ schema: Schema, at path: String) throws {
        if let min = schema.minLength, s.count < min { throw Failure(path: path, expected: "at least \(min) characters expected") }
        if let max = schema.maxLength, s.count > max { throw Failure(path: path, expected: "at most \(max) characters expected, got \(s.count)") }
        if let p = schema.pattern, let re = regex(p),
           re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil {
            throw Failure(path: path, expected: "a value matching \(p) expected, got \"\(s.prefix(40))\"")
        }
    }

    /// An object: required fields present (the top level only when asked),
    /// known fields checked, unknown ones refused where the spec closes the
    /// object — except Zoho's custom fields (`cf`, `cf_*`) and the fields a
    /// `desk.unchecked{…}` wrapper names (recorded in `unchecked`). Spec gaps
    /// (catalog/spec-gaps.tsv) are properties of the catalog's schema.
    private static func checkObject(_ fields: [String: JSON], _ schema: Schema, at path: String, depth: Int,
                                    requireTopLevel: Bool, unchecked: inout [String]) throws -> JSON {
        var out = fields
        let allowed = try UncheckedFields.take(from: &out, at: path)
        let props = schema.properties ?? [:]
        var unknown: [String] = []
        var passed: [String] = []
        if schema.properties != nil {
            for k in out.keys where props[k] == nil {
                if allowed.contains(k) {
                    passed.append("\(path)/\(k)")
                } else if !schema.additionalProperties && !isCustomField(k) {
                    unknown.append(k)
                }
            }
        }
        // An unknown name first: "emial" says "did you mean email?" rather than "email is required".
        // Sorted only off the common path, so the same name is reported every time.
        if let k = unknown.min() {
            throw Failure(path: "\(path)/\(k)", expected: unknownField(k, known: props.keys), isUnknownField: true)
        }
        for name in schema.requiredProperties where out[name] == nil
            && (requireTopLevel || depth > 0) && !SpecQuirks.optionalBody.contains(name) {
            throw Failure(path: "\(path)/\(name)", expected: "a value is required")
        }
        for (k, v) in out {
            if let s = props[k] { out[k] = try check(v, s, at: "\(path)/\(k)", depth: depth + 1, unchecked: &unchecked) }
        }
        unchecked += passed.sorted()
        return .object(out)
    }

    /// Zoho's custom fields: `cf` (a table of them) and `cf_<name>` ones.
    package static func isCustomField(_ name: String) -> Bool { name == "cf" || name.hasPrefix("cf_") }

    /// "no such field; did you mean priority?", or the known fields when nothing is close.
    static func unknownField(_ name: String, known: Dictionary<String, Schema>.Keys) -> String {
        if let hint = NameSuggestions(known.sorted()).hint(for: name) {
            return "no such field; \(hint)"
        }
        let names = known.sorted()
        return "no such field (known: \(names.prefix(15).joined(separator: ", "))\(names.count > 15 ? ", …" : ""))"
    }

    static func matchesType(_ value: JSON, _ types: Set<String>) -> Bool {
        switch value {
        case .null: return types.contains("null")
        case .bool: return types.contains("boolean")
        case .int: return types.contains("integer") || types.contains("number")
        case .double(let d): return types.contains("number") || (types.contains("integer") && d.rounded() == d)
        case .string: return types.contains("string")
        case .array: return types.contains("array")
        case .object: return types.contains("object")
        }
    }

    static func describe(_ types: Set<String>) -> String {
        let named = types.subtracting(["null"]).sorted()
        return named.isEmpty ? "nil" : named.joined(separator: " or ")
    }

    static func fmt(_ d: Double) -> String { d.rounded() == d ? String(Int64(d)) : String(d) }

    static func regex(_ pattern: String) -> NSRegularExpression? {
        if let cached = regexCache.withLock({ $0[pattern] }) { return cached }
        // JSON Schema patterns are unanchored; Zoho's are written to match whole values.
        guard let re = try? NSRegularExpression(pattern: "^(?:\(pattern))$") else { return nil }
        regexCache.withLock { $0[pattern] = re }
        return re
    }
}
