/// How a chunk can fail, as seen by the host.
public enum LuaError: Error, Equatable, CustomStringConvertible {
    /// The chunk did not compile (message carries `name:line:`).
    case syntax(String)
    /// A runtime error; `value` is the error value (a table's message or the
    /// string), `traceback` Lua's stack traceback.
    case runtime(message: String, traceback: String, value: ErrorValue)
    /// A resource limit stopped the run. Cannot be caught by Lua code.
    case limit(LimitKind, String)
    /// The host itself failed (state could not be created, …).
    case host(String)

    /// The message as a user reads it.
    public var description: String {
        switch self {
        case .syntax(let m): return m
        case .runtime(let m, _, _): return m
        case .limit(_, let m): return m
        case .host(let m): return m
        }
    }
}

/// The value raised by Lua code, converted when it was data.
public enum ErrorValue: Equatable, Sendable {
    case string(String)
    /// A structured error the host itself raised (a `LuaRaisable`: a policy
    /// denial, an API error), as the host made it, whatever Lua code did to
    /// the table since. Lua code cannot make one: the host knows its own
    /// tables by identity (see `LuaHost.pushRaised`), not by their fields.
    case object(JSONValue.JSON)
    /// A table built by Lua code. Its fields are data and prove nothing: a
    /// `zdsh_error = "denied"` in one is just a string.
    case table(JSONValue.JSON)
    case other(String)
}

import JSONValue

/// A Swift error that knows how to appear in Lua as a structured error value
/// (a table with fields and a readable `tostring`), e.g. Zoho API errors.
public protocol LuaRaisable: Error {
    /// Fields of the error table. `message` is what `tostring` shows.
    var luaErrorValue: JSON { get }
}

/// An error raised by a host function because an argument is wrong, worded
/// like Lua's own: "bad argument #1 to 'delete' (string expected, got nil)".
public struct ArgumentError: Error, CustomStringConvertible, Sendable {
    /// The Lua-visible name of the function called.
    public let function: String
    /// The argument's position (1-based), when positional.
    public let position: Int?
    /// The argument's name (a table field), when named.
    public let name: String?
    /// What was expected and what came: "string expected, got nil".
    public let expected: String

    /// An error naming `function`, the argument (by position, name or both) and what was expected.
    public init(function: String, position: Int? = nil, name: String? = nil, expected: String) {
        self.function = function; self.position = position; self.name = name; self.expected = expected
    }

    /// Worded like Lua's: "bad argument #1 to 'f' (string expected, got nil)".
    public var description: String {
        var where_ = ""
        if let position { where_ = "#\(position)" }
        if let name { where_ += where_.isEmpty ? "'\(name)'" : " '\(name)'" }
        return "bad argument \(where_) to '\(function)' (\(expected))"
    }
}

/// Any other error a host function throws appears in Lua as its description.
public struct HostError: Error, CustomStringConvertible, Sendable {
    /// What Lua sees as the error.
    public let message: String
    /// An error whose Lua message is `message`.
    public init(_ message: String) { self.message = message }
    /// The message itself.
    public var description: String { message }
}
