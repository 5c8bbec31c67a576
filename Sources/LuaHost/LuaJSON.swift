import CLua
import CLuaShim
import JSONValue

/// Conversion between Lua values and `JSON`.
///
/// Lua → JSON rules:
/// - nil → null; booleans; integers stay integers (Int64, exact); floats are
///   doubles, except NaN and ±inf, which JSON cannot represent: an error.
/// - strings must be valid UTF-8 (an error names where one is not).
/// - a table whose keys are exactly 1…n is an array; one whose keys are all
///   strings is an object; an empty table is an object unless marked with
///   `json.array()` (the array marker metatable); mixed or sparse integer keys,
///   float keys and non-string keys are errors naming the offending key.
/// - the `json.null` sentinel is null (to send an explicit null).
/// - functions, threads and userdata are errors; so are cyclic tables and
///   nesting deeper than `maxDepth`.
///
/// JSON → Lua rules: null object fields are left out (a missing field reads
/// as nil), null array elements become `json.null` so positions are kept.
///
/// Both directions work for the running chunk, so both stay inside its
/// limits (see `RunBudget`): reading charges the Swift values it builds to
/// the run's memory budget and stops at the deadline; pushing checks for
/// room before each large value and stops when the run must.
public enum LuaJSON {
    /// Tables nested deeper than this do not convert (a cycle, or hostile data).
    public static let maxDepth = 100

    /// A Lua value with no JSON form.
    public struct ConversionError: Error, CustomStringConvertible, Sendable {
        /// Where inside the value, as "field.1.name" ("" = the value itself).
        public let path: String
        /// What is wrong there.
        public let reason: String
        /// The reason, with the place when inside the value.
        public var description: String { path.isEmpty ? reason : "\(reason) (at \(path))" }
    }

    /// Registry keys of the array marker metatable and the null sentinel.
    static let arrayMarkerKey = "zdsh.json.array"
    static let nullKey = "zdsh.json.null"

    /// Reads the value at `index` as JSON. Throws `ConversionError` for
    /// values JSON cannot hold and `LimitReached` when the run hits a limit
    /// on the way (the bytes of the result stay charged to the run until the
    /// host call or the run ends).
    static func read(_ L: OpaquePointer, _ index: Int32, path: String = "") throws -> JSON {
        var visiting = Set<UnsafeRawPointer>()
        return try read(L, lua_absindex(L, index), path: path, depth: 0, visiting: &visiting, budget: RunBudget(L))
    }

    private static func read(_ L: OpaquePointer, _ i: Int32, path: String, depth: Int,
                             visiting: inout Set<UnsafeRawPointer>, budget: RunBudget) throws -> JSON {
        let stack = LuaStack(L)
        try budget.checkpoint()
        switch lua_type(L, i) {
        case LUA_TNIL, LUA_TNONE:
            return .null
        case LUA_TBOOLEAN:
            return .bool(lua_toboolean(L, i) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, i) != 0 { return .int(Int64(lua_tointegerx(L, i, nil))) }
            let d = lua_tonumberx(L, i, nil)
            guard d.isFinite else {
                throw ConversionError(path: path, reason: "\(d.isNaN ? "NaN" : "infinity") cannot be represented in JSON")
            }
            return .double(d)
        case LUA_TSTRING:
            var length = 0
            guard let text = lua_tolstring(L, i, &length) else { return .string("") }
            try budget.charge(HostCost.string(length))
            // Validated straight from Lua's bytes: one copy, not two.
            let s = text.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(validating: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            }
            guard let s else {
                throw ConversionError(path: path, reason: "string is not valid UTF-8")
            }
            return .string(s)
        case LUA_TLIGHTUSERDATA:
            if isNull(L, i) { return .null }
            throw ConversionError(path: path, reason: "cannot convert a userdata to JSON")
        case LUA_TTABLE:
            return try readTable(L, i, path: path, depth: depth, visiting: &visiting, budget: budget)
        default:
            throw ConversionError(path: path, reason: "cannot convert a \(stack.typeName(at: i)) to JSON")
        }
    }

    private static func readTable(_ L: OpaquePointer, _ t: Int32, path: String, depth: Int,
                                  visiting: inout Set<UnsafeRawPointer>, budget: RunBudget) throws -> JSON {
        guard depth < maxDepth else {
            throw ConversionError(path: path, reason: "nesting deeper than \(maxDepth) levels")
        }
        guard let identity = lua_topointer(L, t) else { return .null }
        guard visiting.insert(identity).inserted else {
            throw ConversionError(path: path, reason: "cyclic table")
        }
        defer { visiting.remove(identity) }
        guard lua_checkstack(L, 4) != 0 else {
            throw ConversionError(path: path, reason: "Lua stack exhausted")
        }

        let keys = try classifyKeys(L, t, path: path, budget: budget)
        if keys.count == 0 {
            return isArrayMarked(L, t) ? .array([]) : .object([:])
        }
        if keys.integer > 0 && keys.string > 0 {
            throw ConversionError(path: path, reason: "table mixes array items and named fields")
        }
        if keys.integer > 0 {
            guard keys.maxIndex == Int64(keys.count) else {
                throw ConversionError(path: path, reason: "array is sparse or does not start at 1 (\(keys.count) items, highest index \(keys.maxIndex))")
            }
            return try readArray(L, t, count: keys.count, path: path, depth: depth, visiting: &visiting, budget: budget)
        }
        return try readObject(L, t, count: keys.count, path: path, depth: depth, visiting: &visiting, budget: budget)
    }

    /// How a table is keyed, counted without converting any value.
    private struct KeyShape {
        var count = 0
        var maxIndex: Int64 = 0
        var string = 0
        var integer = 0
    }

    /// First pass over a table: every key a string or an integer, counted;
    /// any other key is an error.
    private static func classifyKeys(_ L: OpaquePointer, _ t: Int32, path: String, budget: RunBudget) throws -> KeyShape {
        var keys = KeyShape()
        lua_pushnil(L)
        while lua_next(L, t) != 0 {
            keys.count += 1
            if keys.count % 4096 == 0 {
                do { try budget.checkpoint() } catch { lua_settop(L, -3); throw error }
            }
            switch lua_type(L, -2) {
            case LUA_TSTRING:
                keys.string += 1
            case LUA_TNUMBER where lua_isinteger(L, -2) != 0:
                keys.integer += 1
                keys.maxIndex = max(keys.maxIndex, Int64(lua_tointegerx(L, -2, nil)))
            default:
                let keyType = LuaStack(L).typeName(at: -2)
                lua_settop(L, -3)
                throw ConversionError(path: path, reason: "table has a \(keyType) key; JSON keys must be strings")
            }
            lua_settop(L, -2)
        }
        return keys
    }

    private static func readArray(_ L: OpaquePointer, _ t: Int32, count: Int, path: String, depth: Int,
                                  visiting: inout Set<UnsafeRawPointer>, budget: RunBudget) throws -> JSON {
        try budget.charge(HostCost.array(count))
        var items: [JSON] = []
        items.reserveCapacity(count)
        for n in 1...count {
            lua_rawgeti(L, t, lua_Integer(n))
            defer { lua_settop(L, -2) }
            items.append(try read(L, lua_gettop(L), path: "\(path)[\(n)]", depth: depth + 1, visiting: &visiting, budget: budget))
        }
        return .array(items)
    }

    private static func readObject(_ L: OpaquePointer, _ t: Int32, count: Int, path: String, depth: Int,
                                   visiting: inout Set<UnsafeRawPointer>, budget: RunBudget) throws -> JSON {
        try budget.charge(HostCost.object(count))
        var object: [String: JSON] = [:]
        object.reserveCapacity(count)
        lua_pushnil(L)
        while lua_next(L, t) != 0 {
            let keyBytes = LuaStack(L).bytes(at: -2) ?? []
            guard let key = String(validating: keyBytes, as: UTF8.self) else {
                lua_settop(L, -3)
                throw ConversionError(path: path, reason: "key is not valid UTF-8")
            }
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            do {
                try budget.charge(HostCost.string(keyBytes.count))
                object[key] = try read(L, lua_gettop(L), path: childPath, depth: depth + 1, visiting: &visiting, budget: budget)
            } catch {
                lua_settop(L, -3)
                throw error
            }
            lua_settop(L, -2)
        }
        return .object(object)
    }

    static func isArrayMarked(_ L: OpaquePointer, _ t: Int32) -> Bool {
        guard lua_getmetatable(L, t) != 0 else { return false }
        LuaStack(L).rawField(LUA_REGISTRY, arrayMarkerKey)
        let same = lua_rawequal(L, -1, -2) != 0
        lua_settop(L, -3)
        return same
    }

    static func isNull(_ L: OpaquePointer, _ i: Int32) -> Bool {
        let i = lua_absindex(L, i)
        LuaStack(L).rawField(LUA_REGISTRY, nullKey)
        let same = lua_rawequal(L, i, -1) != 0
        lua_settop(L, -2)
        return same
    }

    /// Pushes a JSON value. Top-level null pushes nil.
    ///
    /// When the run hits a limit on the way (the value would not fit in its
    /// memory budget, or its time is up), pushes nil instead and leaves the
    /// trip recorded: the next step of the run — the trampoline after a host
    /// call, the continuation of a resumed call — raises the limit error.
    static func push(_ L: OpaquePointer, _ value: JSON) {
        let top = lua_gettop(L)
        do {
            try push(L, value, inArray: false, budget: RunBudget(L))
        } catch {
            lua_settop(L, top)
            lua_pushnil(L)
        }
    }

    private static func push(_ L: OpaquePointer, _ value: JSON, inArray: Bool, budget: RunBudget) throws {
        let stack = LuaStack(L)
        try budget.checkpoint()
        guard lua_checkstack(L, 4) != 0 else { throw ConversionError(path: "", reason: "Lua stack exhausted") }
        switch value {
        case .null:
            if inArray { stack.rawField(LUA_REGISTRY, nullKey) } else { lua_pushnil(L) }
        case .bool(let b): stack.push(b)
        case .int(let i): stack.push(i)
        case .double(let d): stack.push(d)
        case .string(let s):
            try budget.ensureRoom(LuaCost.string(s.utf8.count))
            stack.push(s)
        case .array(let items):
            try budget.ensureRoom(LuaCost.array(items.count))
            lua_createtable(L, Int32(clamping: items.count), 0)
            if items.isEmpty {
                // Keep "[]" distinct from "{}" when the value goes back to JSON.
                stack.rawField(LUA_REGISTRY, arrayMarkerKey)
                lua_setmetatable(L, -2)
            }
            for (n, item) in items.enumerated() {
                try push(L, item, inArray: true, budget: budget)
                lua_rawseti(L, -2, lua_Integer(n + 1))
            }
        case .object(let fields):
            try budget.ensureRoom(LuaCost.object(fields.count))
            lua_createtable(L, 0, Int32(clamping: fields.count))
            for (key, field) in fields {
                if case .null = field { continue }
                try budget.ensureRoom(LuaCost.string(key.utf8.count))
                stack.push(key)
                try push(L, field, inArray: false, budget: budget)
                lua_rawset(L, -3)
            }
        }
    }
}
