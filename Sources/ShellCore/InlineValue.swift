import JSONValue
import LuaHost

/// A table on one line, as Lua code would write it: `{a = 1, b = "x"}`,
/// `{1, 2, 3}`, nulls as `null`. The REPL and `run`/`eval` use it for a
/// nested table that fits on a line, so both show it the same way.
package enum InlineValue {
    /// The one-line form, or nil when the value is too big or too deep to
    /// be worth reading on one line.
    package static func text(_ v: JSON, budget: Int = 3, maxItems: Int = 10) -> String? {
        guard budget > 0 else { return nil }
        switch v {
        case .array(let a):
            guard a.count <= maxItems else { return nil }
            let parts = a.compactMap { text($0, budget: budget - 1, maxItems: maxItems) }
            return parts.count == a.count ? "{" + parts.joined(separator: ", ") + "}" : nil
        case .object(let o):
            guard o.count <= 6 else { return nil }
            var parts: [String] = []
            for k in o.keys.sorted() {
                guard let p = text(o[k]!, budget: budget - 1, maxItems: maxItems) else { return nil }
                parts.append(LuaName.isIdentifier(k) ? "\(k) = \(p)" : "[\(quoted(k))] = \(p)")
            }
            return "{" + parts.joined(separator: ", ") + "}"
        default:
            return scalar(v)
        }
    }

    /// A scalar as Lua code writes it (strings quoted and escaped).
    package static func scalar(_ v: JSON) -> String {
        switch v {
        case .string(let s): return quoted(s)
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .array: return "{}"
        case .object: return "{}"
        default: return v.encoded()
        }
    }

    /// A string as a Lua literal: quotes and backslashes escaped, and every
    /// character a terminal would obey shown as an escape.
    package static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                out += Terminal.needsEscape(scalar, multiline: false) ? Terminal.visible(String(scalar)) : String(scalar)
            }
        }
        return out + "\""
    }

    /// "1 item", "3 items": counts in words that agree with them.
    package static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }
}
