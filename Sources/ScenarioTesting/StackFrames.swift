import JSONValue
import LuaHost

/// Host functions that look at the calling Lua stack. The sandbox has no
/// `debug` library, yet a failed expectation must name the `file:line` of
/// the `expect` call, and an unexpected error its traceback.
package enum StackFrames {
    /// `frames()` → `{ {source = "@path", line = n}, … }`, innermost first
    /// (C frames have line -1).
    static func frames(_ call: HostCall) -> HostResult {
        .value(.array(call.frames().map { .object(["source": .string($0.source), "line": .int(Int64($0.line))]) }))
    }

    /// `traceback()` → Lua's stack traceback from the caller down.
    static func traceback(_ call: HostCall) -> HostResult {
        .value(.string(call.traceback()))
    }
}
