import CSV
import Foundation
import JSONValue

/// `-o csv`: a value as RFC 4180 CSV for spreadsheets, written by CSV.swift
/// (yaslab/CSV.swift: quotes a cell holding a comma, quote or line break,
/// doubles quotes, CRLF between records). A header row first; a nested
/// object's fields become dotted columns (`assignee.email`); an array is one
/// cell holding its JSON; null and missing values are empty cells.
///
/// Cells are the data as it is (no escaping): CSV is for files and pipes, and
/// what reaches a terminal is escaped where it is printed (`RunbookOutput.forStdout`).
package enum CSVFormatter {
    /// The CSV text for `value`: a list of records a row each; one object one
    /// row; a list of other values a `value` column; a scalar one cell.
    /// `columns` picks the columns (dotted names reach into objects).
    /// `crlf`: RFC 4180's line break (false on a terminal, where CR would show as `\r`).
    /// No line break follows the last record: the caller ends the output.
    package static func format(_ value: JSON, columns picked: [String]? = nil, crlf: Bool = true) -> String {
        let records: [[String: JSON]]
        switch value {
        case .array(let items):
            records = items.map { $0.objectValue ?? ["value": $0] }
        case .object(let o):
            records = [o]
        default:
            records = [["value": value]]
        }
        // Picked columns are looked up in each record (a dotted name reaches
        // into objects); otherwise every field, nested objects flattened.
        if let picked {
            return write([picked] + records.map { r in picked.map { cell(TableFormatter.lookup(r, path: $0)) } }, crlf: crlf)
        }
        let rows = records.map(flatten)
        let header = columns(of: rows)
        return write([header] + rows.map { r in header.map { cell(r[$0]) } }, crlf: crlf)
    }

    /// Every column the rows have: `id` first, then by name (JSON objects
    /// keep no order, and a stable header is what a spreadsheet wants).
    static func columns(of rows: [[String: JSON]]) -> [String] {
        let all = Set(rows.flatMap(\.keys))
        return (all.contains("id") ? ["id"] : []) + all.subtracting(["id"]).sorted()
    }

    /// Nested objects' fields as dotted keys; everything else as it is.
    static func flatten(_ o: [String: JSON]) -> [String: JSON] {
        var out: [String: JSON] = [:]
        func add(_ prefix: String, _ value: JSON) {
            if case .object(let inner) = value, !inner.isEmpty {
                for (k, v) in inner { add(prefix.isEmpty ? k : "\(prefix).\(k)", v) }
            } else {
                out[prefix] = value
            }
        }
        for (k, v) in o { add(k, v) }
        return out
    }

    /// A cell: strings as they are, numbers and booleans as JSON writes them,
    /// an array (or empty object) as its JSON, null and missing as nothing.
    static func cell(_ v: JSON?) -> String {
        switch v {
        case nil, .null?: return ""
        case .string(let s)?: return s
        case let other?: return other.encoded()
        }
    }

    /// RFC 4180 text through CSV.swift's writer, records separated by CRLF (or LF).
    static func write(_ rows: [[String]], crlf: Bool) -> String {
        let stream = OutputStream(toMemory: ())
        guard let writer = try? CSVWriter(stream: stream, newline: crlf ? .crlf : .lf) else { return "" }
        for row in rows { try? writer.write(row: row) }
        writer.stream.close()
        guard let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
