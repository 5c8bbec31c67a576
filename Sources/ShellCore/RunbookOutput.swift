import Foundation

/// What a runbook prints (and the values it returns) is the runbook's own
/// output. Piped or redirected, it passes through unchanged: scripts parse
/// it. On a terminal, its control characters are escaped (newline and tab
/// kept), so a runbook cannot conceal, recolour or overwrite what zdsh
/// prints around it.
package enum RunbookOutput {
    package static let stdoutIsTerminal = isatty(STDOUT_FILENO) != 0

    /// Writes `text` (already newline-terminated where wanted) to stdout.
    package static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(forStdout(text).utf8))
    }

    /// Writes what `print` wrote: the bytes unchanged to a pipe or file (as
    /// `lua` would), escaped as text on a terminal.
    package static func write(bytes: [UInt8]) {
        if stdoutIsTerminal {
            write(String(decoding: bytes, as: UTF8.self))
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }

    /// A machine-readable document (`--json`): the only thing on stdout.
    package static func writeDocument(_ text: String) { write(text) }

    /// What `print` wrote under `--json`: stderr, so stdout carries only the
    /// document. Unchanged to a pipe or file, escaped on a terminal.
    package static func writeAside(bytes: [UInt8]) {
        if isatty(STDERR_FILENO) != 0 {
            FileHandle.standardError.write(Data(shown(String(decoding: bytes, as: UTF8.self), onTerminal: true).utf8))
        } else {
            FileHandle.standardError.write(Data(bytes))
        }
    }

    package static func writeAside(_ text: String) { writeAside(bytes: Array(text.utf8)) }

    /// `text` as it may appear on stdout.
    package static func forStdout(_ text: String) -> String {
        shown(text, onTerminal: stdoutIsTerminal)
    }

    static func shown(_ text: String, onTerminal: Bool) -> String {
        onTerminal ? Terminal.visible(text, multiline: true) : text
    }
}
