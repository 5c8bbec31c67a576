import JSONValue
import LuaHost

/// The REPL's own trusted Lua helpers, installed as the locked global
/// `__repl` before any user code runs, so the functions they use (`next`,
/// `type`, `rawget`, `rawset`, `select`) are the pristine ones even if the
/// session later redefines those globals.
///
/// - `__repl.keep(...)` stores its first argument in the global `_` and
///   returns all of them: the REPL wraps expressions in it, so `_` holds the
///   last result with its identity (tables, functions) intact.
/// - `__repl.names(path)` lists `name<TAB>type` for the string keys of the
///   table at `path` (a list of keys from the globals), walking with
///   `rawget`/`next` only: no `__index`, `__pairs` or any other metamethod
///   runs, so completion can never trigger an API call or user code.
package enum ReplLibrary {
    static let global = "__repl"

    static let source = #"""
    local H = ...
    local next, type, rawget, rawset, select = next, type, rawget, rawset, select
    local env = H.env
    local R = {}
    function R.keep(...)
      if select("#", ...) > 0 then rawset(env, "_", (...)) end
      return ...
    end
    function R.names(path)
      local t = env
      for i = 1, 64 do
        local key = rawget(path, i)
        if key == nil then break end
        if type(t) ~= "table" then return {} end
        t = rawget(t, key)
      end
      local out, n = {}, 0
      if type(t) == "table" then
        for k, v in next, t do
          if type(k) == "string" then n = n + 1; out[n] = k .. "\t" .. type(v) end
          if n >= 5000 then break end
        end
      end
      return out
    end
    return H.lock(R, "__repl")
    """#

    static func install(on host: LuaHost) throws {
        try host.install(global: global, source: source, functions: [:])
    }

    /// `(name, luaType)` pairs under `path` in the session's globals.
    static func names(host: LuaHost, path: [String]) -> [(name: String, type: String)] {
        let chunk = "local path = ...\nreturn \(global).names(path)"
        guard case .success(let values) = host.run(chunk, name: "=completion", arguments: [.array(path.map(JSON.string))]),
              case .json(let json)? = values.first, let items = json.arrayValue else { return [] }
        return items.compactMap { item in
            guard let s = item.stringValue, let tab = s.lastIndex(of: "\t") else { return nil }
            return (String(s[..<tab]), String(s[s.index(after: tab)...]))
        }
    }
}
