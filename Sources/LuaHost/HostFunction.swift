import CLua
import CLuaShim
import JSONValue

/// A Swift function callable from Lua. It reads its arguments from `call`,
/// and either returns values, or asks to suspend the calling coroutine while
/// async work runs. Throwing is the way to raise a Lua error: the error is
/// raised from C after this Swift frame has returned.
public typealias HostFunction = (HostCall) throws -> HostResult

/// What a host function gives back to Lua.
public enum HostResult: Sendable {
    /// Return these values to Lua.
    case values([JSON])
    /// The function pushed `n` values on the stack itself.
    case pushed(Int32)
    /// Suspend the calling coroutine until the work finishes; its values are
    /// returned to Lua, its error raised. Where the coroutine cannot yield
    /// (inside a `table.sort` comparator, a metamethod called from C, …), the
    /// Lua thread waits for the work instead.
    case suspend(@Sendable () async throws -> [JSON])
    /// Suspend until the given scheduler tasks have finished; returns a list
    /// with, for each task, nil or its error message.
    case join([Int])

    /// No values.
    public static let none = HostResult.values([])
    /// One value.
    public static func value(_ v: JSON) -> HostResult { .values([v]) }
}

/// The arguments of one host-function call. Valid only during the call.
public struct HostCall {
    /// The calling Lua thread: the host's own business. Host functions
    /// outside this module work through the methods below.
    let L: OpaquePointer
    /// Not retained: every host call would pay for it, and the host outlives
    /// its calls (the state belongs to it).
    public unowned(unsafe) let host: LuaHost
    let index: Int

    /// The Lua-visible name, used in argument errors (looked up only then).
    public var name: String { host.functionName(at: index) }

    /// How many arguments the call passed.
    public var count: Int32 { lua_gettop(L) }
    var stack: LuaStack { LuaStack(L) }

    /// Whether argument `n` is nil or absent.
    public func isNil(_ n: Int32) -> Bool { lua_type(L, n) <= LUA_TNIL }

    /// Lua's name for the type of argument `n` ("no value" when absent).
    public func typeName(_ n: Int32) -> String {
        lua_type(L, n) == LUA_TNONE ? "no value" : stack.typeName(at: n)
    }

    /// The error for a wrong argument `n`: "`expected` expected, got <its type>".
    public func fail(_ n: Int32, _ expected: String) -> ArgumentError {
        ArgumentError(function: name, position: Int(n), expected: "\(expected) expected, got \(typeName(n))")
    }

    /// Argument `n` as a string (a number is converted, as Lua does); throws otherwise.
    public func string(_ n: Int32) throws -> String {
        guard lua_type(L, n) == LUA_TSTRING || lua_type(L, n) == LUA_TNUMBER else { throw fail(n, "string") }
        if lua_type(L, n) == LUA_TNUMBER { return try json(n).description }
        return stack.string(at: n) ?? ""
    }

    /// Argument `n` as a string, or nil when it is nil or absent.
    public func optionalString(_ n: Int32) throws -> String? {
        isNil(n) ? nil : try string(n)
    }

    /// Argument `n` as an integer, converted as Lua does (an integral float, a numeric string); throws otherwise.
    public func integer(_ n: Int32) throws -> Int64 {
        var ok: Int32 = 0
        let v = lua_tointegerx(L, n, &ok)
        guard ok != 0 else { throw fail(n, "integer") }
        return Int64(v)
    }

    /// Argument `n` by Lua's truth: false only for nil and false.
    public func boolean(_ n: Int32) -> Bool { lua_toboolean(L, n) != 0 }

    /// Argument `n` as JSON; a value with no JSON form throws
    /// `LuaJSON.ConversionError`, for callers that word their own message.
    public func convertedJSON(_ n: Int32) throws -> JSON {
        try LuaJSON.read(L, n)
    }

    /// Argument `n` as JSON, with conversion errors naming the argument.
    public func json(_ n: Int32) throws -> JSON {
        do {
            return try LuaJSON.read(L, n)
        } catch let e as LuaJSON.ConversionError {
            throw ArgumentError(function: name, position: Int(n), expected: e.description)
        }
    }
}
