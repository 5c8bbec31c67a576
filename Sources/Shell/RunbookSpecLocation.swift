import CLua
import CLuaShim
import JSONValue
import LuaHost

/// Where a spec error in `runbook{…}` is reported: "file.lua:7: ".
///
/// `runbook` cannot raise at level 2 and trust the answer: a runbook usually
/// ends with `return runbook{…}`, a tail call, so its caller's frame is gone
/// and level 2 is zdsh's driver (`zdsh:describe:4`), which means nothing to
/// the author. So, in order: the calling line when the caller is still on the
/// stack; else the line where the spec's `main` is defined (inside the same
/// table); else the runbook file without a line.
enum RunbookSpecLocation {
    /// `where(spec)` → "file:line: ", "file: " or "".
    static let hostFunction: HostFunction = { call in
        let L = call.L
        var ar = lua_Debug()
        // Level 0 is this host function, 1 the library's `bad`, 2 the
        // `runbook` function, 3 its caller.
        if lua_getstack(L, 2, &ar) != 0, lua_getinfo(L, "t", &ar) != 0, ar.istailcall == 0,
           lua_getstack(L, 3, &ar) != 0, lua_getinfo(L, "Sl", &ar) != 0, let place = userPlace(&ar, line: ar.currentline) {
            return .value(.string(place))
        }
        if lua_type(L, 1) == LUA_TTABLE {
            LuaStack(L).rawField(1, "main")
            if lua_type(L, -1) == LUA_TFUNCTION, lua_getinfo(L, ">S", &ar) != 0, let place = userPlace(&ar, line: ar.linedefined) {
                return .value(.string(place))
            }
            lua_settop(L, 1)
        }
        // The driver holds the runbook's compiled chunk as its first local.
        var level: Int32 = 3
        while lua_getstack(L, level, &ar) != 0 {
            if lua_getlocal(L, &ar, 1) != nil {
                if lua_type(L, -1) == LUA_TFUNCTION, lua_getinfo(L, ">S", &ar) != 0, let place = userPlace(&ar, line: -1) {
                    return .value(.string(place))
                }
                lua_settop(L, 1)
            }
            level += 1
        }
        return .value(.string(""))
    }

    /// "short_src:line: " for a frame or function of the user's own code.
    private static func userPlace(_ ar: inout lua_Debug, line: Int32) -> String? {
        guard let source = ar.source.map({ String(cString: $0) }), source.hasPrefix("@") else { return nil }
        let short = withUnsafeBytes(of: &ar.short_src) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return line > 0 ? "\(short):\(line): " : "\(short): "
    }
}
