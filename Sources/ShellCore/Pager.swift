import Foundation

/// Long output on a terminal goes through a pager, the way `git` does it:
/// `$ZDSH_PAGER`, else `$PAGER`, else `less -FRX` (which quits at once when
/// the text fits the screen, keeps colours and leaves the text on screen).
/// Only when stdout is a terminal and the text is taller than it: a pipe, a
/// file or a test never sees a pager. An empty pager or `cat` means none.
package enum Pager {
    /// Writes `text` (newline-terminated) through the pager when it should
    /// be paged; otherwise hands it to `plain`. A pager that cannot start
    /// falls back to `plain` too.
    package static func write(_ text: String, plain: (String) -> Void) {
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
    /// gets git's defaults when the user set none. The pager is spawned in
    /// zdsh's own process group (not through Foundation's Process, which
    /// starts a new session): a pager outside the terminal's foreground
    /// group cannot read the keys that scroll it.
    static func run(_ command: String, text: String, environment: [String: String]) -> Bool {
        var env = environment
        if env["LESS"] == nil { env["LESS"] = "FRX" }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return false }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO)
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let words: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp) == 0 else {
            close(fds[0]); close(fds[1])
            return false
        }
        close(fds[0])
        // A pager that quits early (q) closes the pipe: a write must not kill zdsh.
        signal(SIGPIPE, SIG_IGN)
        let output = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
        try? output.write(contentsOf: Data(text.utf8))
        try? output.close()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return true
    }
}
