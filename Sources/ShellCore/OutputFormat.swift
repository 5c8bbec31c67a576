import Foundation

/// `-o/--output FORMAT` for results, kubectl's way: `table` (a row per
/// record, columns chosen per resource), `json` (the `--json` document),
/// `text` (each record as a block of labelled lines). `table=id,subject,status`
/// picks the columns (a dotted name reaches into a nested object:
/// `assignee.email`). Without the flag, a list of records on a terminal is a
/// table and anything else text.
package enum OutputFormat: Equatable, Sendable {
    case table(columns: [String]?)
    /// RFC 4180 with a header row (see `CSVFormatter`); `csv=a,b` picks columns as `table=` does.
    case csv(columns: [String]?)
    case json
    case text

    package static let help = "table, table=COL,COL… (pick columns; dotted names reach into objects), csv, csv=COL,COL…, json or text"

    package init(parsing text: String) throws {
        let lower = text.lowercased()
        switch lower {
        case "table": self = .table(columns: nil)
        case "csv": self = .csv(columns: nil)
        case "json": self = .json
        case "text", "wide": self = .text
        default:
            for kind in ["table", "csv"] where lower.hasPrefix(kind + "=") {
                let columns = text.dropFirst(kind.count + 1).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard !columns.isEmpty else { throw UsageError("-o \(kind)=: name at least one column (\(kind)=id,subject,status)") }
                self = kind == "csv" ? .csv(columns: columns) : .table(columns: columns)
                return
            }
            throw UsageError("-o/--output: expected \(Self.help), got \(Terminal.visible(text))")
        }
    }
}
