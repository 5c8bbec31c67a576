import Foundation
import LuaHost

/// Messages for people, on stderr.
///
/// Whatever zdsh says itself goes through here (or through `visible`): the
/// text is escaped so no hostile byte inside it reaches the terminal as a
/// command, and on a terminal the attributes are reset first, so colours or
/// concealment a runbook left behind cannot hide zdsh's own words.
package enum Terminal {
    /// SGR 0: back to the terminal's default colours and attributes.
    package static let resetAttributes = "\u{1B}[0m"

    package static func error(_ line: String) {
        write(line + "\n")
    }

    /// A question on stderr, left open for the answer (no newline).
    package static func prompt(_ text: String) {
        write(text)
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(framed(text, onTerminal: isatty(STDERR_FILENO) != 0).utf8))
    }

    /// `text` as it goes to stderr: escaped, after an attribute reset on a terminal.
    static func framed(_ text: String, onTerminal: Bool) -> String {
        (onTerminal ? resetAttributes : "") + visible(text, multiline: true)
    }

    /// How a failed chunk is shown: the message (with `file:line:`), Lua's
    /// traceback for runtime errors, and which limit stopped the run.
    package static func report(_ error: LuaError, verbose: Bool = false) {
        self.error(reportText(error, verbose: verbose))
    }

    /// The lines `report` writes. A message is one line: a newline a runbook
    /// put in it shows as `\n` rather than starting a line that could pass for
    /// zdsh's own. Traceback lines keep their indentation, and each gets one
    /// when a chunk name tried to start a line of its own.
    static func reportText(_ error: LuaError, verbose: Bool = false) -> String {
        switch error {
        case .syntax(let m):
            return visible(m)
        case .runtime(let m, let full, let value):
            // Only the user's frames: zdsh's wrappers and drivers are noise.
            let traceback = UserTraceback.filter(full)
            let text = messageText(m, value: value)
            guard !traceback.isEmpty, showsTraceback(m, value: value, verbose: verbose) else { return text }
            return text + "\n" + indentedTraceback(traceback)
        case .limit(_, let m):
            return "zdsh: stopped: \(visible(m))"
        case .host(let m):
            return "zdsh: \(visible(m))"
        }
    }

    static func indentedTraceback(_ traceback: String) -> String {
        traceback.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { i, line in
            let indent = line.prefix { $0 == "\t" || $0 == " " }
            let rest = visible(String(line.dropFirst(indent.count)))
            return (i == 0 || !indent.isEmpty ? String(indent) : "\t") + rest
        }.joined(separator: "\n")
    }
}
