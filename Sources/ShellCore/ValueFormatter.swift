import JSONValue
import LuaHost

/// Renders values returned by a chunk for people (default) or machines (--json).
///
/// Each rendering has a bounded form that writes into a `BoundedText`: a
/// returned value can be far bigger than what may be shown (--max-output)
/// or shown in time (--timeout), so the pretty JSON is written piece by
/// piece and stops where the text does, instead of being built whole first.
/// The output is the same as `JSON.encoded(.pretty)` up to the cut.
package enum ValueFormatter {
    package static func human(_ value: RunValue) -> String {
        var text = BoundedText()
        human(value, into: &text)
        return text.text
    }

    package static func human(_ json: JSON) -> String {
        var text = BoundedText()
        human(json, into: &text)
        return text.text
    }

    package static func machine(_ values: [RunValue]) -> String {
        var text = BoundedText()
        machine(values, into: &text)
        return text.text
    }

    package static func human(_ value: RunValue, into text: inout BoundedText) {
        switch value {
        case .opaque(let d): text.append(d)
        case .json(let j): human(j, into: &text)
        }
    }

    package static func human(_ json: JSON, into text: inout BoundedText) {
        switch json {
        case .string(let s): text.append(clip(s, to: text.room))
        case .null: text.append("nil")
        case .int, .double, .bool: text.append(json.encoded())
        case .array, .object: pretty(json, indent: 0, into: &text)
        }
    }

    package static func machine(_ values: [RunValue], into text: inout BoundedText) {
        let items: [JSON] = values.map {
            switch $0 {
            case .json(let j): return j
            case .opaque(let d): return .string(d)
            }
        }
        pretty(items.count == 1 ? items[0] : .array(items), indent: 0, into: &text)
    }

    /// `JSON.encoded(.pretty)`, written into `text` until it stops.
    static func pretty(_ json: JSON, indent: Int, into text: inout BoundedText) {
        guard !text.isFull else { return }
        switch json {
        case .array(let items):
            if items.isEmpty { text.append("[]"); return }
            text.append("[")
            for (n, item) in items.enumerated() {
                guard !text.isFull else { return }
                text.append(n > 0 ? ",\n" : "\n")
                text.append(indentation(indent + 1))
                pretty(item, indent: indent + 1, into: &text)
            }
            text.append("\n")
            text.append(indentation(indent))
            text.append("]")
        case .object(let fields):
            if fields.isEmpty { text.append("{}"); return }
            text.append("{")
            for (n, key) in fields.keys.sorted().enumerated() {
                guard !text.isFull else { return }
                text.append(n > 0 ? ",\n" : "\n")
                text.append(indentation(indent + 1))
                text.append(quoted(key, room: text.room))
                text.append(": ")
                pretty(fields[key]!, indent: indent + 1, into: &text)
            }
            text.append("\n")
            text.append(indentation(indent))
            text.append("}")
        case .string(let s):
            text.append(quoted(s, room: text.room))
        default:
            text.append(json.encoded())
        }
    }

    static func indentation(_ level: Int) -> String { String(repeating: "  ", count: level) }

    /// A string as JSON text; when only `room` bytes can be shown, only
    /// enough of it is escaped to fill them.
    static func quoted(_ s: String, room: Int?) -> String {
        JSON.string(clip(s, to: room)).encoded()
    }

    /// `s`, or when it is longer than `room` bytes a prefix that is still
    /// longer (so the text notices the cut) but no longer than needed: a
    /// huge string is not copied or escaped beyond what can be shown.
    static func clip(_ s: String, to room: Int?) -> String {
        guard let room, s.utf8.count > room else { return s }
        return String(s.unicodeScalars.prefix(room + 1))
    }
}
