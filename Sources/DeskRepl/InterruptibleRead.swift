// libedit's globals and stdin are C globals Swift cannot prove safe: they are
// used only on the thread that runs the REPL (see LineInput.swift).
@preconcurrency import CEditLine
import Foundation
import LuaHost
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// How libedit reads a key, so Ctrl-C ends the line being edited.
///
/// libedit's own signal handler puts the terminal back in cooked mode on
/// SIGINT and its read carries on: the line then goes on being read with the
/// terminal echoing `^R`, `^D` and arrow codes, and the pending multi-line
/// input is not dropped (`x =` ^C `5` assigned 5).
/// Reading the key here instead, a read interrupted by Ctrl-C ends the line
/// (readline answers nil) and the REPL drops what was pending; a read
/// interrupted by anything else (a window resize) is retried.
package enum InterruptibleRead {
    /// Set when Ctrl-C ended the line being read; taken by `EditLineInput`.
    nonisolated(unsafe) static var interrupted = false

    /// Installs the reader (before `rl_initialize`, which picks it up), and
    /// keeps libedit's own signal handlers out: they restart the read in
    /// cooked mode, so the reader here would never see the interruption.
    static func install() {
        rl_getc_function = { _ in InterruptibleRead.key() }
        rl_catch_signals = 0
    }

    /// The next byte from the terminal, or -1 at end of input or on Ctrl-C.
    /// SIGINT may land on any of the process's threads, so a blocked read is
    /// not reliably interrupted: the terminal is polled a few times a second
    /// and the Ctrl-C flag checked in between.
    static func key() -> Int32 {
        var byte: UInt8 = 0
        var fd = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        while true {
            if InterruptSignal.take() {
                interrupted = true
                return -1
            }
            let ready = poll(&fd, 1, 100)
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            let n = read(STDIN_FILENO, &byte, 1)
            if n == 1 { return Int32(byte) }
            if n < 0 && errno == EINTR { continue }
            return -1
        }
    }

    /// Whether Ctrl-C ended the last line read (and forgets it).
    static func take() -> Bool {
        defer { interrupted = false }
        return interrupted
    }
}
