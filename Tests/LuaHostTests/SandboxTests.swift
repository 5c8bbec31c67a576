import Foundation
import JSONValue
import LuaHost
import Synchronization
import TestSupport
import XCTest

/// One test per technique of the hardening checklist (anchors.md §2), each
/// asserting the safe outcome.
final class SandboxTests: XCTestCase {
    // 1–2. Only an allowlist of libraries and functions exists.
    func testDangerousGlobalsAreAbsent() throws {
        let h = try Harness()
        for name in ["io", "debug", "package", "dofile", "loadfile", "loadstring", "module", "setfenv", "getfenv", "newproxy"] {
            XCTAssertEqual(h.value("return \(name) == nil"), true, name)
        }
        for name in ["execute", "exit", "getenv", "remove", "rename", "tmpname", "setlocale"] {
            XCTAssertEqual(h.value("return os.\(name) == nil"), true, "os.\(name)")
        }
        XCTAssertEqual(h.value("return string.dump == nil"), true)
        XCTAssertEqual(h.value("return type(os.time()) == 'number' and type(os.clock()) == 'number' and type(os.date('%Y')) == 'string'"), true)
    }

    /// collectgarbage may do work (collect, step) and report (count,
    /// isrunning); it may not change how the collector works for later runs.
    func testCollectGarbageWorksButCannotBeRetuned() throws {
        let h = try Harness()
        XCTAssertEqual(h.value("return type(collectgarbage('count'))"), "number")
        XCTAssertEqual(h.value("return collectgarbage()"), 0)
        XCTAssertEqual(h.value("return collectgarbage('collect')"), 0)
        XCTAssertEqual(h.value("return type(collectgarbage('step'))"), "boolean")
        XCTAssertEqual(h.value("return type(collectgarbage('step', 100))"), "boolean")
        for opt in ["stop", "restart", "incremental", "generational", "setpause", "setstepmul", "bogus"] {
            guard case .runtime(let m, _, _)? = h.error("collectgarbage('\(opt)')") else { XCTFail(opt); continue }
            XCTAssertTrue(m.contains("option '\(opt)' is not available in the sandbox"), m)
            XCTAssertTrue(m.hasPrefix("test:1: bad argument #1 to 'collectgarbage'"), m)
        }
        XCTAssertEqual(h.value("return collectgarbage('isrunning')"), true)
    }

    // 2. Binary chunks are refused, whatever mode is asked for.
    func testBinaryChunksAreRefused() throws {
        let h = try Harness()
        XCTAssertEqual(h.value(#"local f, e = load("\27Lua\84\0", "x", "b") return e"#),
                       "attempt to load a binary chunk (mode is 't')")
        XCTAssertEqual(h.value(#"""
            local parts = {"\27Lua", "\84\0"}
            local i = 0
            local f, e = load(function() i = i + 1 return parts[i] end, "x", "bt")
            return e
            """#), "attempt to load a binary chunk (mode is 't')")
    }

    // 3. load without env gets the sandbox, never the host's full globals.
    func testLoadGetsTheSandboxEnvironment() throws {
        let h = try Harness()
        XCTAssertEqual(h.value("return load('return io')() == nil"), true)
        XCTAssertEqual(h.value("return load('return _G')() == _G"), true)
        XCTAssertEqual(h.value("return load('return x', 'c', 't', {x = 5})()"), 5)
    }

    // 3. Library tables and the string metatable are locked.
    func testHostTablesAreReadOnly() throws {
        let h = try Harness()
        for code in ["string.upper = nil", "table.insert = print", "coroutine.resume = nil",
                     "json.null = 1", "os.time = nil", "rawset(string, 'x', 1)", "setmetatable(string, {})"] {
            guard case .runtime(let m, _, _)? = h.error(code) else { XCTFail(code); continue }
            XCTAssertTrue(m.contains("read-only") || m.contains("protected metatable"), "\(code): \(m)")
        }
        XCTAssertEqual(h.value("return getmetatable('')"), "locked")
        XCTAssertEqual(h.value("return getmetatable(string)"), "locked")
        XCTAssertNotNil(h.error("getmetatable('').__index = {}"))
    }

    func testStringMetatableChangesDoNotLeakToTheNextRun() throws {
        let h = try Harness()
        _ = h.run("pcall(function() getmetatable('').__index.upper = function() return 'pwned' end end)")
        XCTAssertEqual(h.value("return ('a'):upper()"), "A")
    }

    func testPairsStillWorksOnLockedTables() throws {
        let h = try Harness()
        XCTAssertEqual(h.value("local n = 0 for k in pairs(math) do n = n + 1 end return n > 20"), true)
        XCTAssertEqual(h.value("return next(string) == nil"), true) // the proxy itself holds nothing
    }

    // 4. No finalizers: __gc is refused (they run with hooks off).
    func testGcMetamethodIsRefused() throws {
        let h = try Harness()
        guard case .runtime(let m, _, _)? = h.error("setmetatable({}, {__gc = function() end})") else { return XCTFail() }
        XCTAssertTrue(m.contains("__gc metamethods are not allowed"), m)
        // Adding __gc after setmetatable does not mark the object (Lua semantics).
        XCTAssertEqual(h.value("""
            ran = false
            local mt = {}
            for i = 1, 1000 do setmetatable({}, mt) end
            mt.__gc = function() ran = true end
            for i = 1, 200000 do local t = {i} end
            return ran
            """), false)
    }

    // 4. Addresses are hidden.
    func testAddressesAreHidden() throws {
        let h = try Harness()
        let s = h.value("return tostring({}) .. ' ' .. tostring(print) .. ' ' .. tostring(coroutine.create(print))")?.stringValue ?? ""
        XCTAssertFalse(s.contains("0x"), s)
        XCTAssertTrue(s.hasPrefix("table: #"), s)
        XCTAssertEqual(h.value("local t = {} return tostring(t) == tostring(t)"), true)
        guard case .runtime(let m, _, _)? = h.error("string.format('%p', {})") else { return XCTFail() }
        XCTAssertTrue(m.contains("%p is not available"), m)
        XCTAssertEqual(h.value("return string.format('%%p is fine')"), "%p is fine")
        XCTAssertEqual(h.value("return (string.format('%s', {}):find('0x')) == nil"), true)
        XCTAssertEqual(h.value("return (('%s'):format(print):find('0x')) == nil"), true)
        h.host.register(global: "noop") { _ in .none }
        XCTAssertEqual(h.value("local ok, e = pcall(error, {}) return (tostring(e):find('0x')) == nil"), true)
    }

    // 5. Instruction budget: one counter across all coroutines, uncatchable.
    func testInstructionLimitCannotBeCaught() throws {
        let h = try Harness(limits: Limits(timeout: 10, maxMemory: 64 << 20, maxInstructions: 1_000_000))
        XCTAssertEqual(h.limit("while true do end"), .instructions)
        XCTAssertEqual(h.limit("while true do pcall(function() while true do end end) end"), .instructions)
        XCTAssertEqual(h.limit("xpcall(function() while true do end end, function() while true do end end) return 'survived'"), .instructions)
        XCTAssertEqual(h.limit("local ok = coroutine.resume(coroutine.create(function() while true do end end)) return 'survived'"), .instructions)
        // Short-lived coroutines are charged through their parent's hook.
        XCTAssertEqual(h.limit("while true do coroutine.wrap(function() for j = 1, 50 do end end)() end"), .instructions)
        XCTAssertEqual(h.limit("local co = coroutine.wrap(function() while true do coroutine.yield() end end) while true do co() end"), .instructions)
        guard case .limit(_, let m)? = h.error("while true do end") else { return XCTFail() }
        XCTAssertTrue(m.contains("--max-instructions"), m)
    }

    func testMessageHandlersStillRunForOrdinaryErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.value("return select(2, xpcall(error, function(m) return 'handled: ' .. m end, 'x'))"), "handled: x")
    }

    func testCloseHandlersCannotSwallowATrip() throws {
        let h = try Harness(limits: Limits(timeout: 10, maxMemory: 64 << 20, maxInstructions: 1_000_000))
        XCTAssertEqual(h.limit("""
            do
              local x <close> = setmetatable({}, {__close = function() while true do end end})
              while true do end
            end
            """), .instructions)
    }

    // 5. Wall clock, also while waiting on host work. A runaway the limit
    // missed would spin: bounded in CPU seconds (CPUTime), which a loaded
    // machine cannot inflate, not by the clock.
    func testTimeoutStopsLoops() throws {
        let h = try Harness(limits: Limits(timeout: 1, maxMemory: 64 << 20))
        let start = CPUTime.process()
        guard case .limit(.timeout, let m)? = h.error("while true do end") else { return XCTFail() }
        XCTAssertTrue(m.contains("--timeout"), m)
        XCTAssertLessThan(CPUTime.process() - start, 3)
    }

    /// Without an instruction limit no hook runs; the watchdog's pokes must
    /// still reach runaway code wherever it runs: nested coroutines, code
    /// that catches the trip and loops again, close handlers, callbacks
    /// from C, metamethods.
    func testTimeoutReachesEveryPlaceCodeRuns() throws {
        let h = try Harness(limits: Limits(timeout: 0.3, maxMemory: 64 << 20))
        let runaways = [
            "coroutine.wrap(function() while true do end end)()",
            "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
            "while true do pcall(function() while true do end end) end",
            "while true do xpcall(function() while true do end end, function() while true do end end) end",
            """
            local co = coroutine.create(function()
              local x <close> = setmetatable({}, {__close = function() while true do end end})
              coroutine.yield()
            end)
            coroutine.resume(co)
            coroutine.close(co)
            """,
            "table.sort({3, 2, 1, 5, 4}, function(a, b) while true do end end)",
            "local t = setmetatable({}, {__index = function() while true do end end}) return t.x",
            "string.gsub('aaa', 'a', function() while true do end end)",
            "local co = coroutine.wrap(function() while true do coroutine.yield() end end) while true do co() end",
        ]
        for code in runaways {
            let start = CPUTime.process()
            XCTAssertEqual(h.limit(code), .timeout, code)
            XCTAssertLessThan(CPUTime.process() - start, 2, code)
        }
        XCTAssertEqual(h.value("return 'still alive'"), "still alive")
    }

    func testTimeoutStopsWaitsOnHostWork() throws {
        let h = try Harness(limits: Limits(timeout: 0.5, maxMemory: 64 << 20))
        // Counts the 30-second waits that ran to their end: a run that
        // waited for its host work instead of stopping at the limit would
        // end only after one did.
        let finished = Tally()
        h.host.register(global: "hang") { _ in
            .suspend {
                try await Task.sleep(nanoseconds: 30_000_000_000)
                finished.add()
                return []
            }
        }
        XCTAssertEqual(h.limit("hang()"), .timeout)
        XCTAssertEqual(h.limit("table.sort({2, 1}, function(a, b) hang() return a < b end)"), .timeout)
        XCTAssertEqual(finished.count, 0, "the runs stopped at the limit, not when the host work ended")
    }

    // 5. Memory: custom allocator with a byte cap, uncatchable.
    func testMemoryLimit() throws {
        let h = try Harness(limits: Limits(timeout: 20, maxMemory: 32 << 20))
        XCTAssertEqual(h.limit("local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(64) .. i end"), .memory)
        XCTAssertEqual(h.limit("local ok = pcall(function() local t = {} for i = 1, 1e9 do t[i] = i end end) return 'survived'"), .memory)
        XCTAssertEqual(h.limit("local s = string.rep('x', 100 * 1024 * 1024)"), .memory)
        XCTAssertEqual(h.limit("local t = {} for i = 1, 4e6 do t[i] = 'abcdefgh' end local s = table.concat(t)"), .memory)
        guard case .limit(_, let m)? = h.error("local s = string.rep('x', 1e8)") else { return XCTFail() }
        XCTAssertTrue(m.contains("--max-memory"), m)
        // The state is still usable afterwards (the REPL relies on this).
        XCTAssertEqual(h.value("return 1"), 1)
    }

    // 5. Output cap.
    func testOutputLimit() throws {
        let h = try Harness(limits: Limits(timeout: 10, maxMemory: 64 << 20, maxOutput: 1024))
        XCTAssertEqual(h.limit("for i = 1, 1e6 do print('spam spam spam') end"), .output)
        XCTAssertLessThanOrEqual(h.output.utf8.count, 1024)
    }

    // 6. Pattern matching inside one C call stops too.
    func testPathologicalPatternsAreStopped() throws {
        let h = try Harness(limits: Limits(timeout: 2, maxMemory: 64 << 20, maxInstructions: 50_000_000))
        let start = CPUTime.process()
        let subject = "string.rep('a', 5000)"
        XCTAssertNotNil(h.limit("return string.find(\(subject), '.-.-.-.-.-.-.-.-.-.-b')"))
        XCTAssertNotNil(h.limit("return (\(subject)):match('(.-)(.-)(.-)(.-)(.-)(.-)b')"))
        XCTAssertNotNil(h.limit("return string.gsub(\(subject), '.-.-.-.-.-.-.-.-b', '')"))
        XCTAssertNotNil(h.limit("for x in string.gmatch(\(subject), '.-.-.-.-.-.-.-.-b') do end"))
        XCTAssertLessThan(CPUTime.process() - start, 12)
        // Ordinary patterns still work.
        XCTAssertEqual(h.value("return ('key=value'):match('(%w+)=(%w+)')"), "key")
        XCTAssertEqual(h.value("return (('hello world'):gsub('o', '0'))"), "hell0 w0rld")
    }

    // Recursion and the C stack end in clean errors, never a crash.
    func testDeepRecursionIsACleanError() throws {
        let h = try Harness(limits: Limits(timeout: 20, maxMemory: 256 << 20))
        guard case .runtime(let m, _, _)? = h.error("local function f() return 1 + f() end return f()") else { return XCTFail() }
        XCTAssertTrue(m.contains("stack overflow"), m)
        guard case .runtime(let m2, _, _)? = h.error("local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x") else { return XCTFail() }
        XCTAssertTrue(m2.contains("stack overflow"), m2)
        XCTAssertEqual(h.value("local function f(n) if n == 0 then return 0 end local ok, v = pcall(f, n - 1) return v end return f(1000) ~= nil"), true)
        XCTAssertNotNil(h.error("local function f() return coroutine.wrap(f)() end f()"))
        XCTAssertNotNil(h.error("local s = string.rep('(', 300) .. 'x' .. string.rep(')', 300) return load('return ' .. s)()"))
    }

    // Coroutines owned by the scheduler cannot be driven by user code.
    func testSchedulerCoroutinesAreOffLimits() throws {
        let h = try Harness()
        guard case .runtime(let m, _, _)? = h.error("coroutine.resume(coroutine.running())") else { return XCTFail() }
        XCTAssertTrue(m.contains("managed by zdsh"), m)
        XCTAssertNotNil(h.error("coroutine.close(coroutine.running())"))
        guard case .runtime(let m2, _, _)? = h.error("coroutine.yield(1)") else { return XCTFail() }
        XCTAssertTrue(m2.contains("outside a coroutine"), m2)
        XCTAssertEqual(h.value("local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end) return co(1) + co(10)"), 22)
    }

    // require: only Lua modules from the allowed folders, text only, sandboxed.
    func testRequireIsConfined() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zdsh-req-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("lib"), withIntermediateDirectories: true)
        try "return { twice = function(x) return 2 * x end, io = io }".write(to: dir.appendingPathComponent("lib/util.lua"), atomically: true, encoding: .utf8)
        try "\u{1B}Lua binary".write(to: dir.appendingPathComponent("bin.lua"), atomically: true, encoding: .utf8)
        let h = try Harness(modulePaths: [dir.path])
        XCTAssertEqual(h.value("return require('lib.util').twice(21)"), 42)
        XCTAssertEqual(h.value("return require('lib.util').io == nil"), true)
        XCTAssertEqual(h.value("return require('lib.util') == require('lib.util')"), true)
        // A standard library comes from what is loaded, as in Lua.
        XCTAssertEqual(h.value("return require('os') == os"), true)
        for bad in ["../etc/passwd", "/etc/passwd", "lib..util", "io", "socket.core"] {
            XCTAssertNotNil(h.error("require('\(bad)')"), bad)
        }
        guard case .runtime(let m, _, _)? = h.error("require('bin')") else { return XCTFail() }
        XCTAssertTrue(m.contains("binary"), m)
    }

    // 10. LUA_INIT and LUA_PATH are ignored.
    func testLuaEnvironmentVariablesAreIgnored() throws {
        setenv("LUA_INIT", "print('init ran')", 1)
        setenv("LUA_INIT_5_4", "print('init ran')", 1)
        setenv("LUA_PATH", "/tmp/?.lua", 1)
        defer { unsetenv("LUA_INIT"); unsetenv("LUA_INIT_5_4"); unsetenv("LUA_PATH") }
        let h = try Harness()
        XCTAssertEqual(h.value("return 1"), 1)
        XCTAssertEqual(h.output, "")
    }

    // 9. Version floor.
    func testLinkedLuaIsRecentEnough() {
        let v = LuaHost.luaVersion
        XCTAssertTrue(v >= (5, 4, 4), "\(v)")
        XCTAssertTrue(LuaHost.luaRelease.hasPrefix("Lua 5.4."), LuaHost.luaRelease)
    }

    // Interrupt (Ctrl-C) from another thread.
    func testInterruptStopsTheRun() throws {
        let h = try Harness(limits: Limits(timeout: 30, maxMemory: 64 << 20))
        let host = h.host
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { host.interrupt() }
        XCTAssertEqual(h.limit("while true do end"), .interrupt)
        XCTAssertEqual(h.value("return 'still alive'"), "still alive")
    }

    // Known CVE-shaped inputs do not crash the host.
    func testRegressionInputsDoNotCrash() throws {
        let h = try Harness(limits: Limits(timeout: 5, maxMemory: 64 << 20))
        _ = h.run("local t = setmetatable({}, {__index = function(t, k) return coroutine.wrap(function() return t[k] end)() end}) return t.x")
        _ = h.run("local co = coroutine.wrap(function() error(setmetatable({}, {__tostring = function() error('x') end})) end) co()")
        _ = h.run("string.format('%99999d', 1)")
        _ = h.run("return ('x'):rep(1e9, ',')")
        _ = h.run("return utf8.char(0x7FFFFFFF):len()")
        _ = h.run("return table.unpack({}, 1, 1e8)")
        _ = h.run("return select(-1e9, 1)")
        _ = h.run("return load(string.rep('a=', 1e5) .. '1')")
        XCTAssertEqual(h.value("return 'ok'"), "ok")
    }
}

/// A count shared with host functions running on other threads.
final class Tally: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}
