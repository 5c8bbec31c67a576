import ArgumentParser
import Foundation
import JSONValue
import LuaHost
import ShellCore

/// `-o table|csv|json|text` for commands that list records of zdsh's own
/// (`runs`, `audit tail`): a table or CSV with the command's usual columns,
/// or the ones `table=…`/`csv=…` picks; `json` is the command's `--json`.
struct RecordListOutput {
    let format: OutputFormat?
    /// The columns `-o table` and `-o csv` show unless told otherwise.
    let defaultColumns: [String]

    /// Prints `records` as a table or CSV; answers false for the formats the command prints itself.
    func print(_ records: [JSON]) -> Bool {
        let onTerminal = isatty(STDOUT_FILENO) != 0
        switch format {
        case .table(let picked)?:
            var text = BoundedText()
            if !records.isEmpty {
                TableFormatter.format(.array(records), columns: picked ?? defaultColumns, into: &text)
                Swift.print(text.text)
            }
        case .csv(let picked)?:
            let csv = CSVFormatter.format(.array(records), columns: picked ?? defaultColumns, crlf: !onTerminal)
            Swift.print(RunbookOutput.forStdout(csv))
        default:
            return false
        }
        return true
    }
}

extension OutputOptions {
    /// `-o` for a record list; `--json` (or `-o json`) answers `.json`.
    func listFormat(json: Bool) throws -> OutputFormat? {
        json ? .json : try format()
    }
}
