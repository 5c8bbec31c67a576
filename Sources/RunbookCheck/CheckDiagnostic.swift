import JSONValue
import ShellCore

/// One finding of `zdsh check`, in compiler form: `file:line:col: severity: message`.
package struct CheckDiagnostic: Sendable, Equatable, Comparable {
    package enum Severity: String, Sendable { case error, warning }

    package let file: String
    package let line: Int
    package let column: Int
    package let severity: Severity
    package let message: String
    /// Which checker found it: "zdsh" or "luacheck" (with its warning code).
    package let source: String

    package init(file: String, line: Int, column: Int, severity: Severity, message: String, source: String = "zdsh") {
        self.file = file; self.line = line; self.column = column
        self.severity = severity; self.message = message; self.source = source
    }

    package init(file: String, at token: SourceToken, _ severity: Severity, _ message: String) {
        self.init(file: file, line: token.line, column: token.column, severity: severity, message: message)
    }

    /// The compiler-format line; control characters from the file are escaped.
    package var text: String {
        "\(file):\(line):\(column): \(severity.rawValue): \(Terminal.visible(message))"
    }

    package var json: JSON {
        ["file": .string(file), "line": .int(Int64(line)), "column": .int(Int64(column)),
         "severity": .string(severity.rawValue), "message": .string(message), "source": .string(source)]
    }

    package static func < (a: CheckDiagnostic, b: CheckDiagnostic) -> Bool {
        (a.file, a.line, a.column, a.message) < (b.file, b.line, b.column, b.message)
    }
}
