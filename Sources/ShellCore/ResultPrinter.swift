import JSONValue
import LuaHost

/// How `run` and `eval` show a returned value to people: a list of records
/// as a table when asked (`-o table`) or, unasked, on a terminal; otherwise
/// records in the labelled layout and other values as Lua would show them.
package enum ResultPrinter {
    package static func format(_ value: JSON, as format: OutputFormat?, onTerminal: Bool, into text: inout BoundedText) {
        switch format {
        case .table(let columns)?:
            if TableFormatter.fits(value) { return TableFormatter.format(value, columns: columns, into: &text) }
            RecordFormatter.format(value, into: &text)
        case .csv(let columns)?:
            text.append(CSVFormatter.format(value, columns: columns, crlf: !onTerminal))
        case nil where onTerminal && TableFormatter.fits(value) && isRecordList(value):
            TableFormatter.format(value, into: &text)
        default:
            RecordFormatter.format(value, into: &text)
        }
    }

    /// Records are what the API returns: objects with an id.
    package static func isRecordList(_ value: JSON) -> Bool {
        value.arrayValue?.allSatisfy { $0.objectValue?["id"] != nil } ?? false
    }
}
