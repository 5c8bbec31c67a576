import CLua
import CLuaShim
import JSONValue

/// A thin view of one Lua thread's stack for Swift code.
///
/// Only C API functions that cannot raise are used here: raw table access
/// (no metamethods), pushes (allocation is safe because the allocator never
/// refuses while Swift runs — see zd_trampoline), and type queries.
struct LuaStack {
    let L: OpaquePointer

    init(_ L: OpaquePointer) { self.L = L }

    func pop(_ n: Int32 = 1) { lua_settop(L, -n - 1) }

    func absolute(_ i: Int32) -> Int32 { lua_absindex(L, i) }

    func typeName(at i: Int32) -> String {
        String(cString: lua_typename(L, lua_type(L, i)))
    }

    /// The bytes of a string value (not numbers: no in-place conversion).
    func bytes(at i: Int32) -> [UInt8]? {
        guard lua_type(L, i) == LUA_TSTRING else { return nil }
        var len = 0
        guard let p = lua_tolstring(L, i, &len) else { return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: len) { Array(UnsafeBufferPointer(start: $0, count: len)) }
    }

    /// A string value decoded as UTF-8 (invalid sequences repaired).
    func string(at i: Int32) -> String? {
        guard let b = bytes(at: i) else { return nil }
        return String(decoding: b, as: UTF8.self)
    }

    func push(_ s: String) {
        var s = s
        s.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }

    func push(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }

    func push(_ b: Bool) { lua_pushboolean(L, b ? 1 : 0) }
    func push(_ i: Int64) { lua_pushinteger(L, lua_Integer(i)) }
    func push(_ d: Double) { lua_pushnumber(L, d) }
    func pushLightUserdata(_ p: UnsafeMutableRawPointer) { lua_pushlightuserdata(L, p) }

    /// Raw field read: pushes t[key] without metamethods.
    func rawField(_ t: Int32, _ key: String) {
        let t = absolute(t)
        push(key)
        lua_rawget(L, t)
    }

    /// Raw field write: t[key] = value on top (popped).
    func setRawField(_ t: Int32, _ key: String) {
        let t = absolute(t)
        push(key)
        lua_rotate(L, -2, 1)
        lua_rawset(L, t)
    }
}
