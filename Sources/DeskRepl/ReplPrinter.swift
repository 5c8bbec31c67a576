import JSONValue
import LuaHost
import ShellCore

/// How the REPL shows values: strings and numbers plainly (like lua.c),
/// Zoho records in a human layout (Name, Email, Status, Subject,
/// Owner/Agent first, then the other fields alphabetically), other tables
/// indented, and long lists cut short with a count.
///
/// Keys and values come from the API or the code typed: they are shown with
/// control characters escaped (`Terminal.visible`), a value's on its line, a
/// plain string result keeping its newlines and tabs.
package struct ReplPrinter {
    var colour = false
    var maxItems = 20
    /// Nesting levels shown before tables fold to one line.
    var maxDepth = 4

    /// Fields shown first, in this order, under these labels: the same as
    /// `run` and `eval` (an `agent` field is not the owner).
    static var leading: [(label: String, keys: [String])] { RecordFormatter.leading }

    func render(_ value: RunValue) -> String {
        switch value {
        case .opaque(let d): return d
        case .json(let j): return render(j)
        }
    }

    func render(_ json: JSON) -> String {
        var lines: [String] = []
        let hasRecords: Bool = {
            if case .object(let o) = json { return isRecord(o) }
            if case .array(let a) = json { return a.contains { $0.objectValue.map(isRecord) ?? false } }
            return false
        }()
        if !hasRecords, !isScalar(json), let one = inline(json), one.count <= 100 { return one }
        switch json {
        case .array(let items) where !items.isEmpty:
            list(items, indent: "", depth: 0, into: &lines)
        case .object(let o) where !o.isEmpty:
            object(o, indent: "", depth: 0, into: &lines)
        default:
            return scalar(json, topLevel: true)
        }
        return lines.joined(separator: "\n")
    }

    private func scalar(_ json: JSON, topLevel: Bool = false) -> String {
        switch json {
        case .string(let s): return topLevel ? Terminal.visible(s, multiline: true) : Self.quoted(s)
        // Inside a table only json.null can be null (a nil is no entry).
        case .null: return topLevel ? "nil" : "null"
        case .array: return "{}"
        case .object: return "{}"
        default: return json.encoded()
        }
    }

    static func quoted(_ s: String) -> String { InlineValue.quoted(s) }

    private func key(_ k: String) -> String { colour ? "\u{1B}[36m\(Terminal.visible(k))\u{1B}[0m" : Terminal.visible(k) }
    private func dim(_ s: String) -> String { colour ? "\u{1B}[2m\(s)\u{1B}[0m" : s }

    private func isRecord(_ o: [String: JSON]) -> Bool {
        o["id"] != nil || Self.leading.contains { $0.keys.contains { o[$0] != nil } }
    }

    private func isScalar(_ j: JSON) -> Bool {
        switch j {
        case .array(let a): return a.isEmpty
        case .object(let o): return o.isEmpty
        default: return true
        }
    }

    private func list(_ items: [JSON], indent: String, depth: Int, into lines: inout [String]) {
        // Short lists of scalars fit on one line.
        if items.allSatisfy(isScalar) {
            let shown = items.prefix(maxItems).map { scalar($0) }
            let more = items.count > maxItems ? ", … \(items.count - maxItems) more (\(items.count) in all)" : ""
            let one = "{" + shown.joined(separator: ", ") + more + "}"
            if one.count + indent.count <= 100 { lines.append(indent + one); return }
            for (i, s) in shown.enumerated() { lines.append("\(indent)[\(i + 1)] \(s)") }
            if items.count > maxItems { lines.append(indent + dim("… \(items.count - maxItems) more (\(items.count) in all)")) }
            return
        }
        for (i, item) in items.prefix(maxItems).enumerated() {
            if i > 0, depth == 0 { lines.append("") }
            lines.append(indent + dim("[\(i + 1)]"))
            // Records in a list show their own fields; nested tables fold to a line.
            value(item, indent: indent + "  ", depth: max(depth + 1, maxDepth - 1), into: &lines)
        }
        if items.count > maxItems {
            if depth == 0 { lines.append("") }
            lines.append(indent + dim("… \(items.count - maxItems) more (\(items.count) in all)"))
        }
    }

    private func value(_ v: JSON, indent: String, depth: Int, into lines: inout [String]) {
        switch v {
        case .array(let a) where !a.isEmpty: list(a, indent: indent, depth: depth, into: &lines)
        case .object(let o) where !o.isEmpty: object(o, indent: indent, depth: depth, into: &lines)
        default: lines.append(indent + scalar(v))
        }
    }

    /// A table on one line when it is short (`{a = 1, b = "x"}`), else a count.
    private func folded(_ v: JSON) -> String {
        if let inline = self.inline(v), inline.count <= 70 { return inline }
        switch v {
        case .array(let a): return dim("{… \(InlineValue.count(a.count, "item"))}")
        case .object(let o): return dim("{… \(InlineValue.count(o.count, "field"))}")
        default: return scalar(v)
        }
    }

    private func inline(_ v: JSON) -> String? { InlineValue.text(v) }

    private func object(_ o: [String: JSON], indent: String, depth: Int, into lines: inout [String]) {
        var rows: [(String, JSON)] = []
        var used = Set<String>()
        if isRecord(o) {
            for (label, keys) in Self.leading {
                guard let k = keys.first(where: { o[$0] != nil && o[$0] != .null }) else { continue }
                // Keep the real key visible when it differs from the label.
                rows.append((label.lowercased() == k.lowercased() ? label : "\(label) (\(k))", o[k]!))
                used.insert(k)
            }
        }
        for k in o.keys.sorted() where !used.contains(k) { rows.append((k, o[k]!)) }
        let width = min(24, rows.map { $0.0.count }.max() ?? 0)
        for (k, v) in rows {
            let pad = String(repeating: " ", count: max(0, width - k.count))
            if isScalar(v) {
                let text = v.stringValue.map { Terminal.visible($0) } ?? scalar(v)  // fields read better unquoted
                lines.append("\(indent)\(key(k)):\(pad) \(text)")
            } else if depth + 1 >= maxDepth {
                lines.append("\(indent)\(key(k)):\(pad) \(folded(v))")
            } else if case .array(let a) = v, a.allSatisfy(isScalar) {
                var sub: [String] = []
                list(a, indent: "", depth: depth + 1, into: &sub)
                if sub.count == 1 { lines.append("\(indent)\(key(k)):\(pad) \(sub[0])") }
                else { lines.append("\(indent)\(key(k)):"); lines.append(contentsOf: sub.map { indent + "  " + $0 }) }
            } else {
                lines.append("\(indent)\(key(k)):")
                value(v, indent: indent + "  ", depth: depth + 1, into: &lines)
            }
        }
    }
}
