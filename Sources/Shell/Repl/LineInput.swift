import CEditLine
import Foundation

/// Where REPL input comes from: a terminal (libedit, with history and
/// completion) or a pipe (plain lines, no prompts).
protocol LineInput: AnyObject {
    /// The next line without its newline; nil at end of input.
    func read(prompt: String) -> String?
    /// Remembers a complete input (possibly several lines).
    func remember(_ entry: String)
    var isInteractive: Bool { get }
}

/// Lines from a pipe or file: no prompts, no history.
final class PipeInput: LineInput {
    var isInteractive: Bool { false }
    func read(prompt: String) -> String? { Swift.readLine(strippingNewline: true) }
    func remember(_ entry: String) {}
}

/// libedit's readline-compatible API: arrow keys, Ctrl-R search, history
/// saved to a file after every input (so a killed session keeps it), and
/// tab completion through `Completer`.
final class EditLineInput: LineInput {
    var isInteractive: Bool { true }
    let historyPath: String?

    // libedit calls back through C function pointers, which cannot capture
    // context: the one active completer lives here (one REPL per process).
    nonisolated(unsafe) static var completer: Completer?
    nonisolated(unsafe) static var matches: [String] = []
    nonisolated(unsafe) static var nextMatch = 0
    // Word breaks without "." and ":", so `desk.prof` is one word.
    nonisolated(unsafe) static let wordBreaks = strdup(" \t\n\"\\'`@$><=;|&{(,+-*/%^~#[]")

    init(historyPath: String?, completer: Completer) {
        self.historyPath = historyPath
        Self.completer = completer
        rl_readline_name = UnsafePointer(strdup("zdsh"))
        rl_initialize()
        using_history()
        stifle_history(2000)
        rl_completer_word_break_characters = Self.wordBreaks
        rl_completion_append_character = 0
        rl_attempted_completion_function = { text, _, _ in
            // Never fall back to file-name completion.
            rl_attempted_completion_over = 1
            guard let text else { return nil }
            return rl_completion_matches(text) { word, state in
                if state == 0 {
                    let word = word.map { String(cString: $0) } ?? ""
                    let line = rl_line_buffer.map { String(cString: $0) } ?? ""
                    EditLineInput.matches = EditLineInput.completer?.complete(word: word, line: line) ?? []
                    EditLineInput.nextMatch = 0
                }
                guard EditLineInput.nextMatch < EditLineInput.matches.count else { return nil }
                defer { EditLineInput.nextMatch += 1 }
                return strdup(EditLineInput.matches[EditLineInput.nextMatch])
            }
        }
        if let historyPath {
            try? FileManager.default.createDirectory(atPath: (historyPath as NSString).deletingLastPathComponent,
                                                     withIntermediateDirectories: true)
            _ = read_history(historyPath)
        }
    }

    func read(prompt: String) -> String? {
        guard let p = readline(prompt) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    func remember(_ entry: String) {
        guard !entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        add_history(entry)
        if let historyPath { _ = write_history(historyPath) }
    }

    /// `$XDG_STATE_HOME/zdsh/history`, else `~/.local/state/zdsh/history`.
    static func defaultHistoryPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
            return (state as NSString).appendingPathComponent("zdsh/history")
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return (home as NSString).appendingPathComponent(".local/state/zdsh/history")
    }
}
