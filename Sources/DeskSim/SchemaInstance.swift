import DeskCatalog
import Foundation
import JSONValue

/// Builds the smallest value a schema accepts: every required field, each with
/// a value of the documented type, format, pattern and enum. The simulator
/// answers operations it does not model with these, so a runbook meets the
/// same shapes it will meet on a real org; the conformance tests build
/// request bodies with it.
struct SchemaInstance {
    /// A fresh id for each int64 field (ids look like Zoho's: long digit strings).
    var newId: () -> String
    /// Zoho's timestamp text ("2024-05-01T10:00:00.000Z").
    var timestamp: String
    /// Values for top-level fields the caller knows better (the path's id, the
    /// request's fields); used where they meet the field's schema.
    var known: [String: JSON] = [:]

    private static let maxDepth = 10

    func value(_ s: Schema, name: String = "", depth: Int = 0) -> JSON {
        if depth == 1, let v = known[name], SchemaFit.fits(v, s) { return v }
        // oneOf/anyOf: a value of one branch (the union of all may match none).
        if let branch = s.anyOf.first { return value(branch, name: name, depth: depth) }
        let types = s.types.filter { $0 != "null" }
        if s.types == ["null"] || depth > Self.maxDepth { return .null }
        let type = types.first { $0 == "object" && s.properties != nil } ?? types.first { $0 == "array" && s.items != nil }
            ?? types.first ?? (s.properties != nil ? "object" : s.items != nil ? "array" : s.enumValues != nil ? "string" : nil)
        switch type {
        case "object"?:
            var o: [String: JSON] = [:]
            for r in s.requiredProperties {
                o[r] = value(s.properties?[r] ?? Schema(), name: r, depth: depth + 1)
            }
            return .object(o)
        case "array"?:
            let n = s.minItems ?? 0
            // Items of an enum differ from each other (lists such as name formats are unique).
            if let item = s.items, let values = item.enumValues, values.count >= n {
                return .array(values.prefix(n).map { .string($0) })
            }
            return .array((0..<n).map { _ in value(s.items ?? Schema(), name: name, depth: depth + 1) })
        case "integer"?:
            // Every integer is written as a digit string, as Zoho sends ids and counts.
            return .string(digits(s, name: name))
        case "number"? where s.types.contains("string") && (s.format == "int64" || s.format == "int32"):
            // Zoho sends ids and counts as digit strings where the schema allows both.
            return .string(digits(s, name: name))
        case "integer"?, "number"?:
            if let e = s.enumValues?.first, let i = Int64(e) { return .int(i) }
            if let m = s.minimum { return type == "integer" ? .int(Self.clamped(m.rounded(.up))) : .double(m) }
            if let m = s.maximum, m < 0 { return .int(Self.clamped(m.rounded(.down))) }
            return .int(type == "integer" && name.lowercased().hasSuffix("id") ? Int64(newId()) ?? 1 : 0)
        case "boolean"?:
            if let e = s.enumValues?.first { return .bool(e == "true") }
            return .bool(false)
        case "string"?:
            return .string(string(s, name: name))
        default:
            return .null
        }
    }

    /// A schema bound as an Int64 without trapping on bounds beyond its range (or NaN).
    static func clamped(_ d: Double) -> Int64 {
        guard d.isFinite else { return 0 }
        if d >= 9.2e18 { return Int64.max }
        if d <= -9.2e18 { return Int64.min }
        return Int64(d)
    }

    private func digits(_ s: Schema, name: String) -> String {
        if let e = s.enumValues?.first { return e }
        let lower = name.lowercased()
        let isId = lower.hasSuffix("id") || lower.hasSuffix("ids") || lower.hasSuffix("by") || lower == "zuid"
        return isId ? newId() : String(Self.clamped((s.minimum ?? 0).rounded(.up)))
    }

    private func string(_ s: Schema, name: String) -> String {
        if let e = s.enumValues?.first { return e }
        let candidates: [String]
        switch s.format {
        case "int64"?, "int32"?: candidates = [digits(s, name: name)]
        case "date-time"?: candidates = [timestamp]
        default:
            let lower = name.lowercased()
            let guess: [String]
            if lower.hasSuffix("id") || lower.hasSuffix("ids") { guess = [newId()] }
            else if lower.contains("time") || lower.contains("date") { guess = [timestamp] }
            else if lower.contains("email") { guess = ["someone@acme.test"] }
            else if lower.contains("url") || lower.contains("link") { guess = ["https://acme.test/"] }
            else { guess = [] }
            // Shapes the spec's patterns ask for: domains, UUIDs, 37-character workspace ids,
            // "hh:mm hrs" durations, date patterns, opacities and delays.
            // Text before timestamps: a lax pattern (apiName, displayLabel) accepts both, and a
            // name or label holding a date reads as nonsense (found by schemathesis).
            candidates = guess + ["sample"] + [timestamp, String(timestamp.prefix(10)), newId(), "1", "en", "en_US", "sample",
                                  "someone@acme.test", "https://acme.test/", "#FFFFFF", "10:00", "true", "0.0", "a",
                                  "help.acme.test", "3f2b8c1e-5d4a-4e6b-9c7d-1a2b3c4d5e6f",
                                  "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a", "01:30 hrs", "yyyy-MM-dd", "0.5", "60", "10S"]
        }
        let minL = s.minLength ?? 0, maxL = s.maxLength ?? Int.max
        let fitting = candidates.filter { $0.count >= minL && $0.count <= maxL }
        if let p = s.pattern, let re = SchemaWalk.regex(p) {
            if let hit = fitting.first(where: { re.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }) {
                return hit
            }
        }
        if let hit = fitting.first { return minL > 0 && hit.count < minL ? String(repeating: "a", count: minL) : hit }
        return String(repeating: "a", count: max(minL, 1))
    }
}

/// Whether a value already meets a schema (no problems at all).
enum SchemaFit {
    static func fits(_ v: JSON, _ s: Schema) -> Bool {
        var w = SchemaWalk()
        w.walk(v, s, pointer: "")
        return w.problems.isEmpty
    }
}
