import XCTest

/// The sandbox's pcall, xpcall and load (Sources/CLuaShim/sandbox.c) give
/// scripts the standard library's results and messages: the same chunk run
/// in a sandboxed state and in a plain state with the system Lua's base
/// library, compared line by line. Binary chunks are left out on purpose:
/// the sandbox refuses them whatever the mode (SandboxTests covers that).
final class BaseDiffTests: XCTestCase {
    static let cases = #"""
    local out = {}
    local function show(v)
      local t = type(v)
      if t == "string" then return v elseif t == "number" or t == "boolean" or t == "nil" then return tostring(v) end
      return t
    end
    local function rec(...)
      local t, s = table.pack(...), {}
      for i = 1, t.n do s[i] = show(t[i]) end
      out[#out + 1] = t.n .. ":" .. table.concat(s, "|")
    end
    rec(pcall(function(...) return ... end, 1, nil, 3, nil))
    rec(pcall(function() end))
    rec(pcall(error, "x"))
    rec(pcall(error, "x", 0))
    rec(pcall(error, {}))
    rec(pcall(error))
    rec(pcall(function() error("at level 1") end))
    rec(pcall(function() local x = nil; return x.y end))
    -- Argument errors through a Lua call site, which names the function; a
    -- C-to-C call finds its name through package.loaded, which the sandbox
    -- does not have ('?' there, a host matter, not these functions').
    rec(pcall(function() return pcall() end))
    rec(pcall(pcall, error, "inner"))
    rec(xpcall(function() error("e") end, function(m) return "h:" .. m end))
    rec(xpcall(function(a, b) return a + b end, print, 2, 3))
    rec(xpcall(error, function(...) return select("#", ...), ... end, "z"))
    rec(xpcall(function() error({}) end, function(m) return type(m) end))
    rec(xpcall(function() error("deep") end, function(m) error("in handler") end))
    rec(pcall(function() return xpcall(print) end))
    rec(pcall(function() return xpcall(print, 1) end))
    rec(load("return 1 + 1")())
    rec(load("return ...", "=name")(4, nil, 5))
    rec(load("syntax error here"))
    rec(load("x = ", "=chunk"))
    rec(load("x = ", "@file.lua"))
    rec(load("return 1", nil))
    local parts, i = {"return ", "1", "+", "2", nil}, 0
    rec(load(function() i = i + 1 return parts[i] end)())
    local n = 0
    rec(load(function() n = n + 1 if n == 1 then return "return 7" end return "" end)())
    rec(load(function() return {} end))
    rec(load(function() error("reader failed") end))
    rec(load(function() return nil end))
    rec(load("return x", "c", "t", {x = 42})())
    -- (An env that is neither table nor nil is refused by the sandbox on
    -- purpose; the system Lua takes it. Not compared.)
    rec(load("return _ENV", "c", "t", nil)())
    rec(pcall(function() return load() end))
    rec(pcall(function() return load(12) end))
    rec(load(12))
    local co = coroutine.wrap(function(...)
      return pcall(function(a) local b = coroutine.yield(a + 1) error("after " .. b) end, ...)
    end)
    rec(co(1))
    rec(co(2))
    local co2 = coroutine.wrap(function()
      return xpcall(function() return coroutine.yield("y"), "done" end, function(m) return "h" end)
    end)
    rec(co2())
    rec(co2("back"))
    return table.concat(out, "\n")
    """#

    func testBaseFunctionsMatchSystemLua() throws {
        let source = "return assert(load(" + PatternDiffTests.lit(Array(Self.cases.utf8)) + ", \"=cases\"))()"
        let want = PatternDiffTests.reference(source).components(separatedBy: "\n")
        let h = try Harness()
        let got = sandboxed(h, source).components(separatedBy: "\n")
        XCTAssertEqual(want.count, got.count, "\(got.first ?? "")")
        for (i, (w, g)) in zip(want, got).enumerated() where w != g {
            XCTFail("line \(i + 1)\n  system Lua: \(w)\n  sandbox:    \(g)")
        }
    }

    private func sandboxed(_ h: Harness, _ source: String) -> String {
        switch h.run(source) {
        case .success(let values):
            if case .json(.string(let s))? = values.first { return s }
            return "not a string: \(values)"
        case .failure(let e): return "sandbox failed: \(e)"
        }
    }
}
