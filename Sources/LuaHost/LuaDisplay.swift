import CLua
import CLuaShim
import Foundation

/// How a returned Lua value JSON cannot hold is shown: as Lua would write it.
///
/// A sparse table (`{[3] = "boom"}`, the shape `desk.each` gives its
/// errors), a table with a function, a cycle, a float key — values JSON has
/// no form for — are written as Lua table constructors, so `eval`, `run` and
/// the REPL show the value itself instead of the word `table`.
///
/// Reading is raw (`lua_next`, `lua_rawgeti`: no metamethod, so no user code
/// runs and nothing can raise), bounded in depth and size, and stops at the
/// run's limits like the JSON conversion does. Functions, coroutines and
/// userdata show as their type; a table met again inside itself as `<cycle>`.
/// Strings are quoted with control characters, bidi controls and invalid
/// UTF-8 written as escapes.
public enum LuaDisplay {
    static let maxDepth = 12
    static let maxNodes = 2000
    /// A table whose one-line form is longer than this spreads over lines.
    static let lineWidth = 80

    indirect enum Node {
        case atom(String)
        case table([(key: String?, value: Node)], truncated: Bool)
    }

    /// The value at `index` of `L`, as text. Throws `LimitReached` when the
    /// run must stop.
    public static func render(_ L: OpaquePointer, _ index: Int32) throws -> String {
        var reader = Reader(L: L, budget: RunBudget(L))
        let node = try reader.read(lua_absindex(L, index), depth: 0)
        return layout(node, indent: "")
    }

    /// One line when it fits, else one entry per line, indented.
    static func layout(_ node: Node, indent: String) -> String {
        let flat = self.flat(node)
        guard case .table(let entries, let truncated) = node, flat.count > lineWidth, !entries.isEmpty else { return flat }
        let inner = indent + "  "
        var lines = entries.map { e in inner + (e.key.map { "\($0) = " } ?? "") + layout(e.value, indent: inner) }
        if truncated { lines.append(inner + "…") }
        return "{\n" + lines.joined(separator: ",\n") + "\n" + indent + "}"
    }

    static func flat(_ node: Node) -> String {
        switch node {
        case .atom(let s): return s
        case .table(let entries, let truncated):
            var parts = entries.map { ($0.key.map { "\($0) = " } ?? "") + flat($0.value) }
            if truncated { parts.append("…") }
            return "{" + parts.joined(separator: ", ") + "}"
        }
    }

    struct Reader {
        let L: OpaquePointer
        let budget: RunBudget
        var nodes = 0
        var visiting = Set<UnsafeRawPointer>()

        mutating func read(_ i: Int32, depth: Int) throws -> Node {
            nodes += 1
            if nodes % 256 == 0 { try budget.checkpoint() }
            switch lua_type(L, i) {
            case LUA_TNIL, LUA_TNONE: return .atom("nil")
            case LUA_TBOOLEAN: return .atom(lua_toboolean(L, i) != 0 ? "true" : "false")
            case LUA_TNUMBER: return .atom(LuaDisplay.number(L, i))
            case LUA_TSTRING: return .atom(LuaDisplay.quoted(LuaDisplay.bytes(L, i)))
            case LUA_TLIGHTUSERDATA where LuaJSON.isNull(L, i): return .atom("json.null")
            case LUA_TTABLE: return try table(i, depth: depth)
            default: return .atom(String(cString: lua_typename(L, lua_type(L, i))))
            }
        }

        mutating func table(_ t: Int32, depth: Int) throws -> Node {
            guard let identity = lua_topointer(L, t) else { return .atom("table") }
            if visiting.contains(identity) { return .atom("<cycle>") }
            guard depth < LuaDisplay.maxDepth, lua_checkstack(L, 4) != 0 else { return .atom("{…}") }
            visiting.insert(identity)
            defer { visiting.remove(identity) }
            var entries: [(order: Key, key: String?, value: Node)] = []
            var truncated = false
            lua_pushnil(L)
            while lua_next(L, t) != 0 {
                guard nodes < LuaDisplay.maxNodes else { truncated = true; lua_settop(L, -3); break }
                let key = Key.of(L, -2)
                let value = try read(lua_gettop(L), depth: depth + 1)
                entries.append((key, nil, value))
                lua_settop(L, -2)
            }
            entries.sort { $0.order < $1.order }
            // The sequence 1, 2, 3… is written without keys, as Lua code would be.
            var next: Int64 = 1
            let shown = entries.map { e -> (key: String?, value: Node) in
                if case .integer(let n) = e.order, n == next { next += 1; return (nil, e.value) }
                return (e.order.written, e.value)
            }
            return .table(shown, truncated: truncated)
        }
    }

    /// A table key, ordered the way people read a table: integers first,
    /// then names, then anything else.
    enum Key: Comparable {
        case integer(Int64)
        case name(String)
        case other(String)

        static func of(_ L: OpaquePointer, _ i: Int32) -> Key {
            switch lua_type(L, i) {
            case LUA_TNUMBER where lua_isinteger(L, i) != 0: return .integer(Int64(lua_tointegerx(L, i, nil)))
            case LUA_TSTRING:
                let s = LuaDisplay.bytes(L, i)
                if let text = String(validating: s, as: UTF8.self), LuaName.isIdentifier(text) { return .name(text) }
                return .other("[" + LuaDisplay.quoted(s) + "]")
            case LUA_TNUMBER: return .other("[" + LuaDisplay.number(L, i) + "]")
            case LUA_TBOOLEAN: return .other(lua_toboolean(L, i) != 0 ? "[true]" : "[false]")
            default: return .other("[" + String(cString: lua_typename(L, lua_type(L, i))) + "]")
            }
        }

        var written: String {
            switch self {
            case .integer(let n): return "[\(n)]"
            case .name(let s): return s
            case .other(let s): return s
            }
        }
    }

    /// The bytes of the string at `i` (which must be a string: a number
    /// would be converted in place and confuse `lua_next`).
    static func bytes(_ L: OpaquePointer, _ i: Int32) -> [UInt8] {
        var length = 0
        guard let p = lua_tolstring(L, i, &length) else { return [] }
        return p.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    static func number(_ L: OpaquePointer, _ i: Int32) -> String {
        if lua_isinteger(L, i) != 0 { return String(lua_tointegerx(L, i, nil)) }
        let d = lua_tonumberx(L, i, nil)
        if d.isNaN { return "0/0" }
        if d.isInfinite { return d > 0 ? "math.huge" : "-math.huge" }
        // Lua's own "%.14g", with ".0" kept on integral floats as Lua 5.4 prints them.
        var s = String(format: "%.14g", d)
        if !s.contains(where: { $0 == "." || $0 == "e" || $0 == "n" || $0 == "i" }) { s += ".0" }
        return s
    }

    /// A Lua string literal: printable text as is; quotes, backslashes,
    /// controls, bidi controls and bytes that are not UTF-8 escaped.
    static func quoted(_ bytes: [UInt8]) -> String {
        var out = "\""
        var rest = bytes[...]
        while !rest.isEmpty {
            // The longest valid UTF-8 prefix, then one escaped byte.
            var end = rest.startIndex
            var decoder = UTF8()
            var it = rest.makeIterator()
            var text = ""
            decode: while true {
                switch decoder.decode(&it) {
                case .scalarValue(let u):
                    text.unicodeScalars.append(u)
                    end += String(u).utf8.count
                case .emptyInput, .error: break decode
                }
            }
            for u in text.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if escaped(u) {
                        out += u.value < 0x80 ? "\\x" + hex(u.value, 2) : "\\u{" + hex(u.value, 1) + "}"
                    } else {
                        out.unicodeScalars.append(u)
                    }
                }
            }
            rest = rest[end...]
            if let bad = rest.first {
                out += "\\x" + hex(UInt32(bad), 2)
                rest = rest.dropFirst()
            }
        }
        return out + "\""
    }

    static func escaped(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: return true
        default: return false
        }
    }

    static func hex(_ v: UInt32, _ digits: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}
