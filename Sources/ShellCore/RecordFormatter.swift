import JSONValue
import LuaHost

/// The human layout of Zoho records, as the earlier Python client showed
/// them: the fields people look for first (Name, Email, Status, Subject,
/// Owner — the owner or assignee, never some other agent) on their own
/// lines, then the rest; empty values and bare ids skipped. Lists of records
/// are separated by blank lines; long lists are truncated with a count.
/// A table that is not a record (no id, none of those fields) is shown
/// whole: nulls as `null`, empty strings as `""`, booleans as true/false.
///
/// Like `ValueFormatter`, it writes into a `BoundedText`, so a returned value
/// of any size is shown within --max-output and --timeout.
package enum RecordFormatter {
    package static let leading: [(label: String, keys: [String])] = [
        ("Name", ["name", "fullName", "displayName", "companyName", "accountName", "productName", "title", "firstName"]),
        ("Email", ["email", "emailAddress", "emailId"]),
        ("Status", ["status", "statusType"]),
        ("Subject", ["subject"]),
        ("Owner", ["owner", "ownerId", "assignee", "assigneeId"]),
    ]

    static func isInternal(_ key: String) -> Bool {
        key.hasSuffix("Id") && key != "id" || key.hasSuffix("Ids") || key == "zuid" || key.hasSuffix("URL") || key.hasSuffix("Url")
            || key == "photoURL" || key == "webUrl"
    }

    package static func format(_ value: JSON, maxItems: Int = 50) -> String {
        var text = BoundedText()
        format(value, maxItems: maxItems, into: &text)
        return text.text
    }

    package static func format(_ value: JSON, maxItems: Int = 50, into text: inout BoundedText) {
        switch value {
        case .array(let items) where items.contains(where: { $0.objectValue != nil }):
            for (n, item) in items.prefix(maxItems).enumerated() {
                guard !text.isFull else { return }
                if n > 0 { text.append("\n\n") }
                format(record: item, into: &text)
            }
            if items.count > maxItems { text.append("\n\n… \(items.count - maxItems) more (\(items.count) in all)") }
        case .object(let o) where o["dry_run"] == nil && o["results"] == nil:
            format(record: value, into: &text)
        default:
            ValueFormatter.human(value, into: &text)
        }
    }

    static func format(record: JSON) -> String {
        var text = BoundedText()
        format(record: record, into: &text)
        return text.text
    }

    static func isRecord(_ o: [String: JSON]) -> Bool {
        o["id"] != nil || leading.contains { $0.keys.contains { o[$0] != nil } }
    }

    static func format(record: JSON, into text: inout BoundedText) {
        guard case .object(let o) = record else { return ValueFormatter.human(record, into: &text) }
        guard isRecord(o) else { return format(table: o, into: &text) }
        var lines = 0
        // Values are clipped to what can still be shown before the line is built.
        func line(_ label: String, _ value: String, _ text: inout BoundedText) {
            guard !text.isFull else { return }
            if lines > 0 { text.append("\n") }
            lines += 1
            text.append(label)
            text.append(ValueFormatter.clip(value, to: text.room))
        }
        var used = Set<String>()
        if let id = o["id"].flatMap(scalar) { line("id: ", id, &text); used.insert("id") }
        for (label, keys) in leading {
            for key in keys {
                guard let v = o[key], let value = scalar(v) ?? nested(v) else { continue }
                if label == "Name", key == "firstName", let last = o["lastName"].flatMap(scalar) {
                    line("\(label): ", "\(value) \(last)", &text); used.formUnion(["firstName", "lastName"])
                } else {
                    line("\(label): ", value, &text)
                }
                used.insert(key)
                break
            }
        }
        for key in o.keys.sorted() where !used.contains(key) && !isInternal(key) {
            guard !text.isFull else { return }
            guard let v = o[key], let value = scalar(v) ?? nested(v) else { continue }
            line("  \(Terminal.visible(key)): ", value, &text)
        }
    }

    /// A table that is not a record: every field, in key order, nothing skipped.
    static func format(table o: [String: JSON], into text: inout BoundedText) {
        for (n, key) in o.keys.sorted().enumerated() {
            guard !text.isFull else { return }
            if n > 0 { text.append("\n") }
            text.append("  \(Terminal.visible(key)): ")
            let v = o[key]!
            let shown: String
            switch v {
            case .null: shown = "null"
            case .string(let s) where s.isEmpty: shown = "\"\""
            case .array(let a) where a.isEmpty: shown = "{}"
            case .object(let o) where o.isEmpty: shown = "{}"
            default: shown = scalar(v) ?? nested(v) ?? ""
            }
            text.append(ValueFormatter.clip(shown, to: text.room))
        }
    }

    static func scalar(_ v: JSON) -> String? {
        switch v {
        case .string(let s): return s.isEmpty ? nil : Terminal.visible(s)  // API text: one line, nothing the terminal obeys
        case .int, .double: return v.encoded()
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    /// A one-line rendering of a nested value: `{name}` objects by name,
    /// small tables inline, others by their size; short lists inline.
    static func nested(_ v: JSON) -> String? {
        switch v {
        case .object(let o):
            if let n = o["name"].flatMap(scalar) ?? o["firstName"].flatMap(scalar) { return n }
            if o.isEmpty { return nil }
            if let line = InlineValue.text(v), line.count <= 60 { return line }
            return "{" + InlineValue.count(o.count, "field") + "}"
        case .array(let a):
            if a.isEmpty { return nil }
            let parts = a.prefix(5).compactMap { scalar($0) ?? nested($0) }
            return parts.joined(separator: ", ") + (a.count > 5 ? ", … (\(a.count))" : "")
        default: return nil
        }
    }
}
