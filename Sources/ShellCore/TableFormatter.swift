import JSONValue
import LuaHost

/// A list of records as a table, one row each, like `kubectl get`:
/// columns chosen per resource from what the records carry — id, the name
/// or subject, status, owner, last modified — or the ones asked for.
/// Cells are one line (escaped, cut at `maxWidth`), columns as wide as
/// their widest cell, so a long value never pushes the others out of line.
package enum TableFormatter {
    /// Candidate keys per column, the first a record has wins.
    static let columns: [(header: String, keys: [String])] = [
        ("ID", ["id"]),
        ("NAME", ["name", "fullName", "displayName", "title", "companyName", "accountName", "productName", "firstName"]),
        ("SUBJECT", ["subject"]),
        ("EMAIL", ["email", "emailId", "emailAddress"]),
        ("STATUS", ["status", "statusType"]),
        ("OWNER", ["owner", "assignee", "ownerId", "assigneeId"]),
        ("MODIFIED", ["modifiedTime", "updatedTime", "lastModifiedTime", "modifiedOn", "createdTime"]),
    ]
    static let maxWidth = 48

    /// Whether `value` is a list the table shows well: objects only, at least one.
    package static func fits(_ value: JSON) -> Bool {
        guard case .array(let items) = value, !items.isEmpty else { return false }
        return items.allSatisfy { $0.objectValue != nil }
    }

    /// A column: its header and how a record's cell is found.
    typealias Column = (header: String, value: ([String: JSON]) -> JSON?)

    package static func format(_ value: JSON, columns picked: [String]? = nil, into text: inout BoundedText) {
        guard case .array(let items) = value else { return RecordFormatter.format(value, into: &text) }
        let records = items.compactMap(\.objectValue)
        var chosen: [Column] = []
        if let picked {
            for name in picked { chosen.append((name.uppercased(), { lookup($0, path: name) })) }
        } else {
            chosen = automatic(records)
        }
        let rows = records.map { r in chosen.map { cell($0.value(r)) } }
        let headers = chosen.map(\.header)
        let widths = headers.indices.map { i in ([headers[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        for (n, row) in ([headers] + rows).enumerated() {
            guard !text.isFull else { return }
            if n > 0 { text.append("\n") }
            let padded = row.enumerated().map { i, c in
                i == row.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count)
            }
            text.append(ValueFormatter.clip(padded.joined(separator: "   "), to: text.room))
        }
    }

    /// The columns the records have a value for, in the usual order.
    static func automatic(_ records: [[String: JSON]]) -> [Column] {
        var out: [Column] = []
        for column in columns where records.contains(where: { r in column.keys.contains { present(r[$0]) } }) {
            let keys = column.keys
            out.append((column.header, { r in
                for k in keys where present(r[k]) { return r[k] }
                return nil
            }))
        }
        return out
    }

    static func present(_ v: JSON?) -> Bool {
        switch v {
        case nil, .null?: return false
        case .string(let s)?: return !s.isEmpty
        default: return true
        }
    }

    /// `a.b.c` into nested objects.
    static func lookup(_ record: [String: JSON], path: String) -> JSON? {
        var current: JSON = .object(record)
        for part in path.split(separator: ".") {
            guard let next = current.objectValue?[String(part)] else { return nil }
            current = next
        }
        return current
    }

    /// A nested record by what names it: name, first and last name, email, id.
    static func personOrThing(_ o: [String: JSON]) -> String? {
        if let name = o["name"]?.stringValue { return name }
        if let first = o["firstName"]?.stringValue {
            return [first, o["lastName"]?.stringValue].compactMap { $0 }.joined(separator: " ")
        }
        if let last = o["lastName"]?.stringValue { return last }
        return o["email"]?.stringValue ?? o["id"]?.stringValue
    }

    /// One cell: a scalar as text, a person or thing by its name, a list by its size.
    static func cell(_ v: JSON?) -> String {
        let text: String
        switch v {
        case nil, .null?: text = ""
        case .string(let s)?: text = s
        case .bool(let b)?: text = b ? "true" : "false"
        case .object(let o)?:
            text = personOrThing(o) ?? "{\(InlineValue.count(o.count, "field"))}"
        case .array(let a)?:
            text = a.allSatisfy({ $0.stringValue != nil }) && a.count <= 3
                ? a.compactMap(\.stringValue).joined(separator: ",") : InlineValue.count(a.count, "item")
        case let other?: text = other.encoded()
        }
        let visible = Terminal.visible(text)
        return visible.count > maxWidth ? String(visible.prefix(maxWidth - 1)) + "…" : visible
    }
}
