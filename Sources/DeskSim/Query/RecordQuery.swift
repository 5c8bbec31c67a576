import DeskCore
import Foundation
import JSONValue

/// What a list or search request asks of stored records, worked out
/// generically from the parameters' names and the records' fields:
/// `field=value` (a comma list means any of them, `*` wildcards as Zoho's
/// search takes them), `fieldIds=1,2` for an id field or id list,
/// `fieldRange=start,end` for timestamps, `_all`/`searchStr`/`searchBy`/
/// `searchVal`/`searchString` for text anywhere, `fullName`, and `sortBy`
/// (`-` for descending). Parameters it cannot place are left to the caller
/// (they end up in `X-Zdsh-Sim-Unmodelled`).
struct RecordQuery {
    private(set) var tests: [(Row) -> Bool] = []
    private(set) var sort: (key: String, descending: Bool)?
    /// `sortBy` was understood but keeps the stored order (`relevance`).
    private(set) var keepsOrder = false
    private(set) var honoured: Set<String> = []

    static let freeTextNames: Set<String> = ["_all", "searchBy", "searchVal", "searchString"]

    /// `skipping`: parameters the handler filters on itself.
    init(_ c: Ctx, fields: Set<String>, skipping: Set<String>) {
        for (name, value) in c.query.sorted(by: { $0.key < $1.key })
        where !QueryUse.alwaysHonoured.contains(name) && !skipping.contains(name) {
            if name == "sortBy" {
                placeSort(value, fields: fields, aliases: QueryModel.sortAliases[c.op.id] ?? [:])
            } else if let test = Self.test(name, value, fields: fields) {
                tests.append(test)
                honoured.insert(name)
            }
        }
    }

    var isEmpty: Bool { tests.isEmpty }

    func matches(_ row: Row) -> Bool { tests.allSatisfy { $0(row) } }

    private mutating func placeSort(_ raw: String, fields: Set<String>, aliases: [String: String]) {
        let descending = raw.hasPrefix("-")
        let asked = descending ? String(raw.dropFirst()) : raw
        let key = aliases[asked] ?? asked
        if key.isEmpty || key == "relevance" { keepsOrder = true; honoured.insert("sortBy"); return }
        guard fields.contains(key) else { return }
        sort = (key, descending)
        honoured.insert("sortBy")
    }

    /// `rows` in the asked order (stable; records without the key go last).
    func sorted(_ rows: [Row]) -> [Row] {
        guard let sort else { return rows }
        return rows.enumerated().sorted { a, b in
            let x = a.element[sort.key] ?? .null, y = b.element[sort.key] ?? .null
            if x == .null || y == .null {
                if x == y { return a.offset < b.offset }
                return y == .null
            }
            let order = FieldOrder.compare(x, y)
            if order == 0 { return a.offset < b.offset }
            return sort.descending ? order > 0 : order < 0
        }.map(\.element)
    }

    // MARK: one parameter

    private static func test(_ name: String, _ value: String, fields: Set<String>) -> ((Row) -> Bool)? {
        if freeTextNames.contains(name) || name == "searchStr" {
            let pattern = TextPattern(value, freeText: name != "searchStr")
            return { row in FieldText.strings(row).contains(where: pattern.matches) }
        }
        if name == "fullName", fields.contains("lastName") {
            let pattern = TextPattern(value)
            return { row in pattern.matches(FieldText.fullName(row)) }
        }
        if name.hasSuffix("Range"), case let field = String(name.dropLast(5)), fields.contains(field) {
            guard let window = DateWindow.range(value) else { return { _ in false } }
            return { row in FieldText.date(row[field]).map(window.contains) ?? false }
        }
        if fields.contains(name) { return equality(name, value) }
        if name.hasSuffix("Ids") {
            let single = String(name.dropLast(3)) + "Id"
            let ids = Set(value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let associated = "associated" + name.prefix(1).uppercased() + name.dropFirst()
            for field in [single, name, associated] where fields.contains(field) {
                return { row in FieldText.ids(row[field]).contains(where: ids.contains) }
            }
        }
        return nil
    }

    /// `field=value`: a stored list holds it; a flag equals it; text matches the
    /// pattern (wildcards) or, without stars, one of the comma-separated values.
    private static func equality(_ field: String, _ value: String) -> (Row) -> Bool {
        let wanted = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let pattern = value.contains("*") ? TextPattern(value) : nil
        return { row in
            let stored = row[field] ?? .null
            if case .array = stored { return FieldText.ids(stored).contains { wanted.contains($0.lowercased()) } }
            guard let text = FieldText.scalar(stored) else { return false }
            if let pattern { return pattern.matches(text) }
            return wanted.contains(text.lowercased())
        }
    }
}

/// Reading record fields as text, ids and dates for queries.
enum FieldText {
    static func scalar(_ v: JSON?) -> String? {
        switch v {
        case .string(let s)?: return s
        case .int(let i)?: return String(i)
        case .double(let d)?: return String(d)
        case .bool(let b)?: return String(b)
        default: return nil
        }
    }

    static func ids(_ v: JSON?) -> [String] {
        if case .array(let a)? = v { return a.compactMap { scalar($0) ?? idString($0["id"]) } }
        return scalar(v).map { [$0] } ?? []
    }

    static func date(_ v: JSON?) -> Date? { v?.stringValue.flatMap(UTCTimestamp.parse) }

    static func fullName(_ row: Row) -> String {
        [row["firstName"]?.stringValue, row["lastName"]?.stringValue].compactMap { $0 }.joined(separator: " ")
    }

    /// Every top-level text of a record, and its full name, for free-text search.
    static func strings(_ row: Row) -> [String] {
        var out = row.compactMap { k, v -> String? in k.hasPrefix("_") ? nil : v.stringValue }
        if row["lastName"] != nil { out.append(fullName(row)) }
        return out
    }
}

/// Ordering field values: numbers (and digit strings) as numbers, else text.
enum FieldOrder {
    static func compare(_ a: JSON, _ b: JSON) -> Int {
        if let x = number(a), let y = number(b) { return x == y ? 0 : (x < y ? -1 : 1) }
        let x = (FieldText.scalar(a) ?? a.description).lowercased(), y = (FieldText.scalar(b) ?? b.description).lowercased()
        return x == y ? 0 : (x < y ? -1 : 1)
    }

    private static func number(_ v: JSON) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s) where !s.isEmpty && s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }): return Double(s)
        default: return nil
        }
    }
}
