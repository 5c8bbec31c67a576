import CLua
import JSONValue

/// The host's own error tables, known by identity.
///
/// A structured error the host raises (a policy denial, an API error) is a
/// table Lua code may read, catch, modify and raise again. Whether a failed
/// run was denied or hit an API error must not depend on what such a table
/// says: any runbook can build `{zdsh_error = "denied"}`. So when the host
/// pushes one, it also files a copy of its own under that very table in a
/// registry table Lua cannot reach (weak keys: the copy goes when the error
/// does). A table found there was raised by the host; the copy is what the
/// host said, whatever the runbook wrote into the table since.
extension LuaHost {
    static let raisedErrorsKey = "zdsh.raised"

    /// Creates the registry table (once, at set-up).
    func installRaisedErrors(_ L: OpaquePointer) {
        let stack = LuaStack(L)
        lua_createtable(L, 0, 0)
        lua_createtable(L, 0, 1)
        stack.push("k"); stack.setRawField(-2, "__mode")
        lua_setmetatable(L, -2)
        stack.setRawField(LUA_REGISTRY, Self.raisedErrorsKey)
    }

    /// Pushes the Lua form of a host error (its fields, the error metatable)
    /// and files the host's copy under it.
    func pushRaised(_ L: OpaquePointer, _ value: JSON) {
        let stack = LuaStack(L)
        _ = lua_checkstack(L, 8)
        LuaJSON.push(L, value)
        stack.rawField(LUA_REGISTRY, LuaHost.errorMetatableKey)
        lua_setmetatable(L, -2)
        stack.rawField(LUA_REGISTRY, Self.raisedErrorsKey)
        lua_pushvalue(L, -2)
        LuaJSON.push(L, value)
        lua_rawset(L, -3)
        stack.pop()
    }

    /// The host's copy of the error at `index`, if the host raised it.
    func raisedValue(_ L: OpaquePointer, at index: Int32) -> JSON? {
        let index = lua_absindex(L, index)
        guard lua_type(L, index) == LUA_TTABLE else { return nil }
        _ = lua_checkstack(L, 4)
        let stack = LuaStack(L)
        stack.rawField(LUA_REGISTRY, Self.raisedErrorsKey)
        defer { stack.pop() }
        guard lua_type(L, -1) == LUA_TTABLE else { return nil }
        lua_pushvalue(L, index)
        lua_rawget(L, -2)
        defer { stack.pop() }
        return lua_type(L, -1) == LUA_TTABLE ? try? LuaJSON.read(L, -1) : nil
    }

    /// How an error table reads in a report: the host's own message for its
    /// errors; for a table Lua built, its contents, labelled as what they are.
    func describeErrorTable(_ L: OpaquePointer, at index: Int32) -> (message: String, value: ErrorValue) {
        if let raised = raisedValue(L, at: index) {
            let message = raised["_text"]?.stringValue ?? raised["message"]?.stringValue ?? raised.encoded()
            return (message, .object(raised))
        }
        guard let json = try? LuaJSON.read(L, index) else {
            let message = "(error object is a table value)"
            return (message, .other(message))
        }
        var shown = json.encoded()
        if shown.count > 300 { shown = String(shown.prefix(300)) + "…" }
        return ("(error object is a table) \(shown)", .table(json))
    }
}
