// libedit's globals and stdin are C globals Swift cannot prove safe: they
// are used only on the thread that runs the REPL (and by libedit's
// callbacks, inside `readline` on that thread).
@preconcurrency import CEditLine
import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Where REPL input comes from: a terminal (libedit, with history and
/// completion) or a pipe (plain lines, no prompts).
///
/// Lines are bytes: Lua code typed or piped in reaches the compiler exactly
/// as given (a byte such as 0xE1 in a string literal stays one byte).
package protocol LineInput: AnyObject {
    /// The next line without its newline; nil at end of input.
    func readBytes(prompt: String) -> [UInt8]?
    /// Remembers a complete input (possibly several lines).
    func remember(_ entry: [UInt8])
    var isInteractive: Bool { get }
    /// Whether Ctrl-C ended the last read (forgotten once asked).
    func takeInterrupt() -> Bool
}

package extension LineInput {
    /// The next line as text (commands and answers, not Lua code).
    func read(prompt: String) -> String? {
        readBytes(prompt: prompt).map { String(decoding: $0, as: UTF8.self) }
    }

    func remember(_ entry: String) { remember(Array(entry.utf8)) }

    func takeInterrupt() -> Bool { false }
}

/// Lines from a pipe or file: no prompts, no history.
package final class PipeInput: LineInput {
    package var isInteractive: Bool { false }

    package func readBytes(prompt: String) -> [UInt8]? {
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        let n = getline(&line, &capacity, stdin)
        guard n >= 0, let line else { return nil }
        var bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(line).assumingMemoryBound(to: UInt8.self), count: n))
        if bytes.last == 10 { bytes.removeLast() }
        if bytes.last == 13 { bytes.removeLast() }
        return bytes
    }

    package func remember(_ entry: [UInt8]) {}
}

/// libedit's readline-compatible API: arrow keys, Ctrl-R search, history
/// saved to a file after every input (so a killed session keeps it), and
/// tab completion through `Completer`.
package final class EditLineInput: LineInput {
    package var isInteractive: Bool { true }
    private var interruptedRead = false

    package func takeInterrupt() -> Bool {
        defer { interruptedRead = false }
        return interruptedRead
    }
    let historyPath: String?

    // libedit calls back through C function pointers, which cannot capture
    // context: the one active completer lives here (one REPL per process).
    // nonisolated(unsafe) is sound: these are touched only on the thread
    // that runs the REPL, by `init` and by libedit's completion callbacks,
    // which run inside `readline` on that same thread.
    nonisolated(unsafe) static var completer: Completer?
    nonisolated(unsafe) static var matches: [String] = []
    nonisolated(unsafe) static var nextMatch = 0
    // Word breaks without "." and ":", so `desk.prof` is one word.
    nonisolated(unsafe) static let wordBreaks = strdup(" \t\n\"\\'`@$><=;|&{(,+-*/%^~#[]")

    init(historyPath: String?, completer: Completer) {
        self.historyPath = historyPath
        Self.completer = completer
        rl_readline_name = UnsafePointer(strdup("zdsh"))
        InterruptibleRead.install()
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

    package func readBytes(prompt: String) -> [UInt8]? {
        interruptedRead = false
        let p = readline(prompt)
        defer { free(p) }
        // Ctrl-C ended the line: whatever was typed on it is dropped.
        if InterruptibleRead.take() { interruptedRead = true; return nil }
        guard let p else { return nil }
        return Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
    }

    package func remember(_ entry: [UInt8]) {
        guard entry.contains(where: { ![32, 9, 10, 13].contains($0) }), !entry.contains(0) else { return }
        (entry + [0]).withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = add_history($0.baseAddress) }
        }
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
