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
/// libedit's own read retries a read that SIGINT interrupted, after its
/// signal handler has put the terminal back in cooked mode: the line then
/// goes on being read with the terminal echoing `^R`, `^D` and arrow codes,
/// and the pending multi-line input is not dropped (`x =` ^C `5` assigned 5).
/// Reading the key here instead, a read interrupted by Ctrl-C ends the line
/// (readline answers nil) and the REPL drops what was pending; a read
/// interrupted by anything else (a window resize) is retried.
enum InterruptibleRead {
    /// Set when Ctrl-C ended the line being read; taken by `EditLineInput`.
    nonisolated(unsafe) static var interrupted = false

    /// Installs the reader (before `rl_initialize`, which picks it up).
    static func install() {
        rl_getc_function = { _ in InterruptibleRead.key() }
    }

    /// The next byte from the terminal, or -1 at end of input or on Ctrl-C.
    static func key() -> Int32 {
        var byte: UInt8 = 0
        while true {
            let n = read(STDIN_FILENO, &byte, 1)
            if n == 1 { return Int32(byte) }
            if n == 0 { return -1 }
            guard errno == EINTR else { return -1 }
            if InterruptSignal.take() {
                interrupted = true
                return -1
            }
        }
    }

    /// Whether Ctrl-C ended the last line read (and forgets it).
    static func take() -> Bool {
        defer { interrupted = false }
        return interrupted
    }
}
