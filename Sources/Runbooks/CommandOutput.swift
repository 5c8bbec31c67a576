import Foundation
import JSONValue
import ShellCore

/// How a command that shows data writes it: as text for people, or with
/// `--json` as exactly one JSON document on stdout, failures as one JSON
/// object on the last line of stderr (see `ErrorDocument`).
package enum CommandOutput {
    /// Writes `json` as the command's one document on stdout.
    package static func document(_ json: JSON) {
        RunbookOutput.writeDocument(json.encoded(.pretty) + "\n")
    }

    /// Reports a failure as the output mode wants it and returns `status`
    /// (for the command's exit code).
    @discardableResult
    package static func fail(_ status: ExitStatus, _ message: String, json: Bool) -> ExitStatus {
        if json {
            ErrorDocument(code: status, message: message).emit()
        } else {
            Terminal.error(message)
        }
        return status
    }

    /// Whether the command line asks for JSON (`--json`, `-o json`,
    /// `--output json`) before any `--`: parse errors are reported in that
    /// form too.
    package static func wantsJSON(_ arguments: [String]) -> Bool {
        let args = arguments.prefix { $0 != "--" }
        for (i, a) in args.enumerated() {
            if a == "--json" || a == "--output=json" || a == "-ojson" { return true }
            if a == "-o" || a == "--output", i + 1 < args.count, args[args.index(args.startIndex, offsetBy: i + 1)] == "json" { return true }
        }
        return false
    }
}
