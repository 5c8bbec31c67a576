import JSONValue

/// The human layout of Zoho records: the fields people look for first (Name,
/// Email, Status, Subject, Owner/Agent) on their own lines, then the rest;
/// empty values and internal ids skipped. Lists of records are separated by
/// blank lines; long lists are truncated with a count.
public enum RecordFormatter {
    static let leading: [(label: String, keys: [String])] = [
        ("Name", ["name", "fullName", "displayName", "companyName", "accountName", "productName", "title", "firstName"]),
        ("Email", ["email", "emailAddress", "emailId"]),
        ("Status", ["status", "statusType"]),
        ("Subject", ["subject"]),
        ("Owner", ["owner", "ownerId", "assignee", "agent"]),
    ]

    static func isInternal(_ key: String) -> Bool {
        key.hasSuffix("Id") && key != "id" || key.hasSuffix("Ids") || key == "zuid" || key.hasSuffix("URL") || key.hasSuffix("Url")
            || key == "photoURL" || key == "webUrl"
    }

    public static func format(_ value: JSON, maxItems: Int = 50) -> String {
        switch value {
        case .array(let items) where items.contains(where: { $0.objectValue != nil }):
            var blocks = items.prefix(maxItems).map { format(record: $0) }
            if items.count > maxItems { blocks.append("… \(items.count - maxItems) more (\(items.count) in all)") }
            return blocks.joined(separator: "\n\n")
        case .object(let o) where o["dry_run"] == nil && o["results"] == nil:
            return format(record: value)
        default:
            return ValueFormatter.human(value)
        }
    }

    static func format(record: JSON) -> String {
        guard case .object(let o) = record else { return ValueFormatter.human(record) }
        var lines: [String] = []
        var used = Set<String>()
        if let id = o["id"].flatMap(scalar) { lines.append("id: \(id)"); used.insert("id") }
        for (label, keys) in leading {
            for key in keys {
                guard let v = o[key], let text = scalar(v) ?? nested(v) else { continue }
                if label == "Name", key == "firstName", let last = o["lastName"].flatMap(scalar) {
                    lines.append("\(label): \(text) \(last)"); used.formUnion(["firstName", "lastName"])
                } else {
                    lines.append("\(label): \(text)")
                }
                used.insert(key)
                break
            }
        }
        for key in o.keys.sorted() where !used.contains(key) && !isInternal(key) {
            guard let v = o[key] else { continue }
            if let text = scalar(v) {
                lines.append("  \(Terminal.visible(key)): \(text)")
            } else if let text = nested(v) {
                lines.append("  \(Terminal.visible(key)): \(text)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func scalar(_ v: JSON) -> String? {
        switch v {
        case .string(let s): return s.isEmpty ? nil : Terminal.visible(s)  // API text: one line, nothing the terminal obeys
        case .int, .double: return v.encoded()
        case .bool(let b): return b ? "yes" : "no"
        default: return nil
        }
    }

    /// A one-line rendering of a nested value: `{name}` objects by name, short lists inline.
    static func nested(_ v: JSON) -> String? {
        switch v {
        case .object(let o):
            if let n = o["name"].flatMap(scalar) ?? o["firstName"].flatMap(scalar) { return n }
            return o.isEmpty ? nil : "{…}"
        case .array(let a):
            if a.isEmpty { return nil }
            let parts = a.prefix(5).compactMap { scalar($0) ?? nested($0) }
            return parts.joined(separator: ", ") + (a.count > 5 ? ", … (\(a.count))" : "")
        default: return nil
        }
    }
}
