import DeskCatalog
import Foundation
import JSONValue
import Synchronization

/// Walks a JSON value against a reduced catalog `Schema`, collecting every
/// problem as (JSON pointer, message). Strict: `null` only where the schema
/// lists it, unknown fields rejected on closed objects.
struct SchemaWalk {
    private(set) var problems: [(String, String)] = []
    private static let regexCache = Mutex<[String: NSRegularExpression?]>([:])

    mutating func walk(_ value: JSON, _ s: Schema, pointer: String) {
        func bad(_ m: String) { problems.append((pointer, m)) }
        if !s.types.isEmpty, !Self.typeMatches(value, s) {
            return bad("expected \(s.types.joined(separator: "|")), got \(value.typeName)")
        }
        if value == .null { return }
        if !s.anyOf.isEmpty, let nearest = Self.missedBranches(value, s.anyOf) {
            bad("matches none of its \(s.anyOf.count) oneOf/anyOf branches (nearest: \(nearest.0.isEmpty ? "/" : nearest.0) \(nearest.1))")
        }
        if let e = s.enumValues, !e.isEmpty, let text = Self.scalarText(value), !e.contains(text) {
            bad("\(text.debugDescription) is not one of \(e.prefix(12).joined(separator: ", "))")
        }
        switch value {
        case .string(let str):
            if let f = s.format, !Self.formatMatches(str, f) { bad("\(str.debugDescription) is not \(f)") }
            if let m = s.minLength, str.count < m { bad("shorter than \(m)") }
            if let m = s.maxLength, str.count > m { bad("longer than \(m)") }
            if let p = s.pattern, let re = Self.regex(p),
               re.firstMatch(in: str, range: NSRange(str.startIndex..., in: str)) == nil {
                bad("\(str.debugDescription) does not match \(p)")
            }
        case .int, .double:
            let d = value.doubleValue ?? 0
            if let m = s.minimum, d < m { bad("below \(m)") }
            if let m = s.maximum, d > m { bad("above \(m)") }
        case .array(let items):
            if let m = s.minItems, items.count < m { bad("fewer than \(m) items") }
            if let m = s.maxItems, items.count > m { bad("more than \(m) items") }
            if let item = s.items {
                for (i, v) in items.enumerated() { walk(v, item, pointer: "\(pointer)/\(i)") }
            }
        case .object(let o):
            for r in s.requiredProperties where o[r] == nil { problems.append(("\(pointer)/\(r)", "required but missing")) }
            let props = s.properties ?? [:]
            for (k, v) in o.sorted(by: { $0.key < $1.key }) {
                if let sub = props[k] {
                    walk(v, sub, pointer: "\(pointer)/\(k)")
                } else if !s.additionalProperties {
                    problems.append(("\(pointer)/\(k)", "not a documented field"))
                }
            }
        default:
            break
        }
    }

    /// nil when `value` meets one branch; else the first problem of the branch it came nearest to.
    static func missedBranches(_ value: JSON, _ branches: [Schema]) -> (String, String)? {
        var nearest: [(String, String)]?
        for b in branches {
            var w = SchemaWalk()
            w.walk(value, b, pointer: "")
            if w.problems.isEmpty { return nil }
            if nearest == nil || w.problems.count < nearest!.count { nearest = w.problems }
        }
        return nearest?.first
    }

    static func typeMatches(_ v: JSON, _ s: Schema) -> Bool {
        s.types.contains { t in
            switch (t, v) {
            case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
                 ("integer", .int), ("number", .int), ("number", .double):
                return true
            case ("integer", .double(let d)):
                return d.rounded() == d
            default:
                return false
            }
        }
    }

    /// Enums are kept as text in the catalog ("true", "1", "Open").
    static func scalarText(_ v: JSON) -> String? {
        switch v {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        default: return nil
        }
    }

    /// Formats on strings: Zoho's int64/int32 ids travel as digit strings.
    static func formatMatches(_ s: String, _ format: String) -> Bool {
        switch format {
        case "int64", "int32":
            let digits = s.hasPrefix("-") ? s.dropFirst() : Substring(s)
            return !digits.isEmpty && digits.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
        case "date-time":
            return isoDateTime(s)
        case "double":
            return Double(s) != nil
        default:
            return true
        }
    }

    /// 2024-05-01T10:00:00Z, with optional fraction and offset.
    static func isoDateTime(_ s: String) -> Bool {
        s.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$"#, options: .regularExpression) != nil
    }

    /// Compiled once per pattern; a pattern ICU cannot compile is not checked
    /// (listed by `ResponseQuirks.uncompilablePatterns` through the tests).
    static func regex(_ pattern: String) -> NSRegularExpression? {
        regexCache.withLock { cache in
            if let hit = cache[pattern] { return hit }
            let re = try? NSRegularExpression(pattern: pattern)
            cache[pattern] = re
            return re
        }
    }
}
