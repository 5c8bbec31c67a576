import CLua
import CLuaShim

/// Where a piece of Lua code lives: its chunk and a line.
public struct SourcePlace: Sendable, Equatable {
    /// The chunk name: "@path" for a file, "=name" for zdsh's own code.
    public let source: String
    /// The chunk as Lua shortens it for messages ("stdlib/x.lua", "[string …]").
    public let shortSource: String
    /// The line (current or defining, by the question asked); -1 when none.
    public let line: Int32

    /// Whether the code was loaded from a file (a user's runbook or module).
    public var isFile: Bool { source.hasPrefix("@") }
}

/// What a host function may learn about the Lua code that called it. The
/// sandbox has no `debug` library, yet zdsh's own library must name the
/// `file:line` of a failed expectation or a bad runbook spec. Level 0 is
/// the host function itself, 1 its caller, and so on.
extension HostCall {
    /// A frame of the calling stack: where it is, and whether it was entered
    /// by a tail call (its caller's frame is gone then). Nil past the stack.
    public func frame(at level: Int32) -> (place: SourcePlace, isTailCall: Bool)? {
        var ar = lua_Debug()
        guard lua_getstack(L, level, &ar) != 0, lua_getinfo(L, "Slt", &ar) != 0 else { return nil }
        return (Self.place(&ar, line: ar.currentline), ar.istailcall != 0)
    }

    /// The calling stack, innermost first, at most `limit` frames.
    public func frames(limit: Int32 = 200) -> [SourcePlace] {
        var out: [SourcePlace] = []
        var level: Int32 = 0
        while level < limit, let f = frame(at: level) {
            out.append(f.place)
            level += 1
        }
        return out
    }

    /// Lua's stack traceback from the caller down ("" if it cannot be made).
    public func traceback() -> String {
        guard zd_traceback(L, L, nil, 1) == LUA_OK else { return "" }
        defer { lua_settop(L, -2) }
        return stack.string(at: -1) ?? ""
    }

    /// Where the function in field `field` of the table argument `index` is
    /// defined (its first line); nil when there is no such function.
    public func definition(ofField field: String, inTableAt index: Int32) -> SourcePlace? {
        guard lua_type(L, index) == LUA_TTABLE else { return nil }
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        stack.rawField(index, field)
        return definitionOfTop()
    }

    /// Where the function held in the first local variable of the frame at
    /// `level` is defined; nil when that local is not a function.
    public func definitionOfFirstLocal(atLevel level: Int32) -> SourcePlace? {
        var ar = lua_Debug()
        guard lua_getstack(L, level, &ar) != 0 else { return nil }
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        guard lua_getlocal(L, &ar, 1) != nil else { return nil }
        return definitionOfTop()
    }

    /// The definition of the function on top of the stack (popped).
    private func definitionOfTop() -> SourcePlace? {
        var ar = lua_Debug()
        guard lua_type(L, -1) == LUA_TFUNCTION, lua_getinfo(L, ">S", &ar) != 0 else { return nil }
        return Self.place(&ar, line: ar.linedefined)
    }

    private static func place(_ ar: inout lua_Debug, line: Int32) -> SourcePlace {
        let source = ar.source.map { String(cString: $0) } ?? "?"
        let short = withUnsafeBytes(of: &ar.short_src) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return SourcePlace(source: source, shortSource: short, line: line)
    }
}
