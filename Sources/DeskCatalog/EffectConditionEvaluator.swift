import Foundation
import JSONValue

/// Decides an effect condition for one call's query and body.
///
/// Runbooks are hostile, so the lookup is deliberately loose where looseness can
/// only make a call look more dangerous:
/// - field names and string values match ignoring case, width, diacritics,
///   whitespace and invisible (control or format) characters: " Disabled\u{200B}"
///   is DISABLED;
/// - arrays met on the way to a field are searched element by element, so a list
///   body (`[{status: "DISABLED"}]`) cannot hide the field;
/// - a body field is also looked for among the query parameters (and a query
///   field in the body's top level): where Zoho reads it from is not ours to bet on;
/// - a value of the wrong type makes the verdict `.undecidable`, which applies the rule.
enum EffectConditionEvaluator {
    /// Deeper nesting than this is not a Zoho body; it is treated as undecidable
    /// rather than searched (the search must not be a way to exhaust the stack).
    static let maxDepth = 32

    static func verdict(_ condition: EffectCondition, query: [String: String], body: JSON?) -> EffectCondition.Verdict {
        var found = Found()
        if let body { collect(body, path: condition.path[...], depth: 0, into: &found) }
        if condition.path.count == 1 {
            let wanted = normalized(condition.path[0])
            for (name, value) in query where normalized(name) == wanted {
                found.values.append(.string(value))
            }
        }
        if found.tooDeep { return .undecidable }
        return decide(condition.test, found.values)
    }

    private struct Found {
        var values: [JSON] = []
        var tooDeep = false
    }

    private static func collect(_ node: JSON, path: ArraySlice<String>, depth: Int, into found: inout Found) {
        guard depth <= maxDepth else { found.tooDeep = true; return }
        guard let name = path.first else { found.values.append(node); return }
        switch node {
        case .object(let fields):
            let wanted = normalized(name)
            for (key, value) in fields where normalized(key) == wanted {
                collect(value, path: path.dropFirst(), depth: depth + 1, into: &found)
            }
        case .array(let items):
            for item in items { collect(item, path: path, depth: depth + 1, into: &found) }
        default:
            break  // a scalar has no fields: nothing here names the field
        }
    }

    private static func decide(_ test: EffectCondition.Test, _ values: [JSON]) -> EffectCondition.Verdict {
        switch test {
        case .isOneOf(let listed), .isNoneOf(let listed):
            let wanted = Set(listed.map(normalized))
            let holdsWhenListed: Bool
            if case .isOneOf = test { holdsWhenListed = true } else { holdsWhenListed = false }
            return combine(values.map { value in
                switch value {
                case .null: return .doesNotHold
                case .string(let s): return wanted.contains(normalized(s)) == holdsWhenListed ? .holds : .doesNotHold
                default: return .undecidable
                }
            })
        case .equals(let expected):
            return combine(values.map { value in
                if case .null = value { return .doesNotHold }
                guard let b = booleanValue(value) else { return .undecidable }
                return b == expected ? .holds : .doesNotHold
            })
        case .differs(let excluded):
            // Absent or null is "anything but": the server's default is not ours to assume.
            if values.isEmpty { return .holds }
            return combine(values.map { value in
                if case .null = value { return .holds }
                guard let b = booleanValue(value) else { return .undecidable }
                return b == excluded ? .doesNotHold : .holds
            })
        case .present:
            return values.contains { !$0.isNull } ? .holds : .doesNotHold
        case .countAbove(let limit):
            var total = 0
            var unreadable = false
            for value in values {
                switch value {
                case .null: continue
                case .array(let items): total += items.count
                default: unreadable = true
                }
            }
            if total > limit { return .holds }
            return unreadable ? .undecidable : .doesNotHold
        case .hasFalse:
            var verdict = EffectCondition.Verdict.doesNotHold
            for value in values { verdict = combine([verdict, falseWithin(value, depth: 0)]) }
            return verdict
        }
    }

    /// Whether a false boolean (or "false") sits at or under this value.
    /// Other scalars are not permissions: they neither hold nor unsettle.
    private static func falseWithin(_ value: JSON, depth: Int) -> EffectCondition.Verdict {
        guard depth <= maxDepth else { return .undecidable }
        switch value {
        case .object(let fields): return combine(fields.values.map { falseWithin($0, depth: depth + 1) })
        case .array(let items): return combine(items.map { falseWithin($0, depth: depth + 1) })
        default: return booleanValue(value) == false ? .holds : .doesNotHold
        }
    }

    /// Any value that holds decides; else any undecidable one applies the rule anyway.
    private static func combine(_ verdicts: [EffectCondition.Verdict]) -> EffectCondition.Verdict {
        if verdicts.contains(.holds) { return .holds }
        if verdicts.contains(.undecidable) { return .undecidable }
        return .doesNotHold
    }

    private static func booleanValue(_ value: JSON) -> Bool? {
        switch value {
        case .bool(let b): return b
        case .string(let s):
            switch normalized(s) {
            case "true": return true
            case "false": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// The comparable form of a name or enum-like value.
    static func normalized(_ text: String) -> String {
        let visible = String(String.UnicodeScalarView(text.unicodeScalars.filter { !isIgnorable($0) }))
        return visible.folding(options: [.caseInsensitive, .widthInsensitive, .diacriticInsensitive], locale: nil)
    }

    private static func isIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format: return true
        default: return scalar.properties.isWhitespace
        }
    }
}
