import CLua
import CLuaShim
import JSONValue
import LuaHost

/// Host functions that look at the calling Lua stack. The sandbox has no
/// `debug` library, yet a failed expectation must name the `file:line` of
/// the `expect` call, and an unexpected error its traceback.
enum StackFrames {
    /// `frames()` → `{ {source = "@path", line = n}, … }`, innermost first
    /// (C frames have line -1).
    static let frames: HostFunction = { call in
        var out: [JSON] = []
        var level: Int32 = 0
        var ar = lua_Debug()
        while level < 200, lua_getstack(call.L, level, &ar) != 0 {
            guard lua_getinfo(call.L, "Sl", &ar) != 0 else { break }
            let source = ar.source.map { String(cString: $0) } ?? "?"
            out.append(.object(["source": .string(source), "line": .int(Int64(ar.currentline))]))
            level += 1
        }
        return .value(.array(out))
    }

    /// `traceback()` → Lua's stack traceback from the caller down.
    static let traceback: HostFunction = { call in
        let L = call.L
        guard zd_traceback(L, L, nil, 1) == LUA_OK else { return .value(.string("")) }
        let text = LuaStack(L).string(at: -1) ?? ""
        lua_settop(L, -2)
        return .value(.string(text))
    }
}
