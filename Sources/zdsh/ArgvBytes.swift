import Foundation

/// The bytes an argument really had in argv.
///
/// The argument parser hands over `String`s, decoded as UTF-8 with invalid
/// bytes replaced: an `eval` argument holding the byte 0xE1 inside a string
/// literal would reach Lua as the three bytes of U+FFFD. Lua code is bytes,
/// so the original argv entry is looked up again: the first one that decodes
/// to the parsed string.
enum ArgvBytes {
    static func of(_ parsed: String) -> [UInt8] {
        for i in 1..<Int(CommandLine.argc) {
            guard let p = CommandLine.unsafeArgv[i] else { continue }
            let raw = Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
            if String(decoding: raw, as: UTF8.self) == parsed { return raw }
        }
        return Array(parsed.utf8)
    }
}
