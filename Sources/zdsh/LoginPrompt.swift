import Foundation

/// One question on the terminal, answered or abandoned. The terminal is put
/// in non-canonical mode with signals off for the read, so Ctrl-C and Ctrl-D
/// arrive as bytes and end the prompt the same way at every question (and
/// echo is always restored — a SIGINT inside `getpass` could leave it off).
enum LoginPrompt {
    enum Answer: Equatable {
        case text(String)
        /// Ctrl-C: the operator gave up (exit 130, like a shell).
        case interrupted
        /// Ctrl-D or end of input (exit 1).
        case endOfInput
    }

    static var interactive: Bool { isatty(STDIN_FILENO) != 0 }

    /// Asks on stderr and reads one line from the terminal; `secret` reads without echo.
    static func ask(_ prompt: String, secret: Bool = false) -> Answer {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return .endOfInput }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        // TCSANOW, not TCSAFLUSH: answers typed or pasted ahead must survive
        // from one question to the next.
        tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        var line = LineBuffer(echo: !secret)
        while true {
            var byte: UInt8 = 0
            let n = read(STDIN_FILENO, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            guard n == 1 else { return .endOfInput }
            switch byte {
            case 0x03: return .interrupted
            case 0x04: return .endOfInput
            case 0x0A, 0x0D: return .text(line.text.trimmingCharacters(in: .whitespacesAndNewlines))
            default: line.take(byte)
            }
        }
    }
}

/// The bytes typed so far, with backspace and Ctrl-U; echoes what it keeps.
private struct LineBuffer {
    let echo: Bool
    private var bytes: [UInt8] = []

    init(echo: Bool) { self.echo = echo }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func take(_ byte: UInt8) {
        switch byte {
        case 0x7F, 0x08:
            guard !bytes.isEmpty else { return }
            // Drop one whole UTF-8 character (continuation bytes are 10xxxxxx).
            while let last = bytes.popLast(), last & 0xC0 == 0x80 {}
            show("\u{8} \u{8}")
        case 0x15:
            if echo { show(String(repeating: "\u{8} \u{8}", count: text.count)) }
            bytes.removeAll()
        case 0x20...:
            bytes.append(byte)
            if echo { FileHandle.standardError.write(Data([byte])) }
        default:
            break  // other control bytes (escape sequences' ESC) are not part of an answer
        }
    }

    private func show(_ s: String) {
        if echo { FileHandle.standardError.write(Data(s.utf8)) }
    }
}
