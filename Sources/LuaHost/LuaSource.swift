import Foundation
import JSONValue

/// Lua source code as Lua sees it: bytes, not text.
///
/// A file, an `eval` argument or a REPL line is handed to the compiler byte
/// for byte, as `lua` itself does. Decoding it as UTF-8 first would turn a
/// byte such as 0xE1 inside a string literal into the three bytes of U+FFFD
/// and change what the program computes.
public struct LuaSource: Sendable, Equatable {
    /// The code, byte for byte.
    public let bytes: [UInt8]
    /// The chunk name errors and tracebacks show: "@path" for a file,
    /// "=name" for anything else.
    public let name: String

    /// Source `bytes` named `name` ("@" is added to a bare path).
    public init(bytes: [UInt8], name: String) {
        self.bytes = bytes
        self.name = name.hasPrefix("=") || name.hasPrefix("@") ? name : "@\(name)"
    }

    /// Source read from a file's `data`.
    public init(_ data: Data, name: String) {
        self.init(bytes: [UInt8](data), name: name)
    }

    /// Source written in Swift (drivers, tests): its UTF-8 is its bytes.
    public init(text: String, name: String) {
        self.init(bytes: Array(text.utf8), name: name)
    }
}

/// One argument of a run's main chunk.
public enum RunArgument: Sendable {
    /// A value, converted as `LuaJSON.push` does.
    case value(JSON)
    /// A chunk compiled before the run starts and passed as a function; a
    /// syntax error in it fails the run as `.syntax`, naming its own file.
    case chunk(LuaSource)
}
