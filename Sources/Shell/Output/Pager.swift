import Foundation

/// Long output on a terminal goes through a pager, the way `git` does it:
/// `$ZDSH_PAGER`, else `$PAGER`, else `less -FRX` (which quits at once when
/// the text fits the screen, keeps colours and leaves the text on screen).
/// Only when stdout is a terminal and the text is taller than it: a pipe, a
/// file or a test never sees a pager. An empty pager or `cat` means none.
public enum Pager {
    /// Writes `text` (newline-terminated) through the pager when it should
    /// be paged; otherwise hands it to `plain`. A pager that cannot start
    /// falls back to `plain` too.
    public static func write(_ text: String, plain: (String) -> Void) {
        let environment = ProcessInfo.processInfo.environment
        guard isatty(STDOUT_FILENO) != 0, let command = command(environment: environment),
              lineCount(text) > terminalRows() else { return plain(text) }
        if !run(command, text: text, environment: environment) { plain(text) }
    }

    /// The pager command line, or nil when paging is off.
    static func command(environment: [String: String]) -> String? {
        if environment["TERM"] == "dumb" { return nil }
        let chosen = environment["ZDSH_PAGER"] ?? environment["PAGER"] ?? "less -FRX"
        let trimmed = chosen.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || trimmed == "cat" ? nil : trimmed
    }

    static func lineCount(_ text: String) -> Int {
        text.utf8.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    static func terminalRows() -> Int {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return 24 }
        return Int(size.ws_row) - 1
    }

    /// Runs the pager with `text` on its stdin and waits for it. `LESS`
    /// gets git's defaults when the user set none.
    static func run(_ command: String, text: String, environment: [String: String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var env = environment
        if env["LESS"] == nil { env["LESS"] = "FRX" }
        process.environment = env
        let input = Pipe()
        process.standardInput = input
        do { try process.run() } catch { return false }
        // A pager that quits early (q) closes the pipe: a write must not kill zdsh.
        signal(SIGPIPE, SIG_IGN)
        try? input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        return true
    }
}
