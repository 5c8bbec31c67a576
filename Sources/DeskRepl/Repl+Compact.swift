import JSONValue
import LuaHost
import ShellCore

package extension Repl {
    /// A value as the REPL shows it, the way `eval` does on a terminal: a
    /// list of records as one table (a row each), not a `[1] …` block per
    /// record; anything else in the REPL's layout.
    func compact(_ value: RunValue) -> String {
        guard case .json(let json) = value, TableFormatter.fits(json), ResultPrinter.isRecordList(json) else {
            return printer.render(value)
        }
        var text = BoundedText()
        TableFormatter.format(json, into: &text)
        return text.text
    }
}
