import JSONValue
import LuaHost
import Synchronization
import XCTest

final class RunTests: XCTestCase {
    func testReturnsValues() throws {
        let h = try Harness()
        XCTAssertEqual(h.value("return 1+1"), .int(2))
        XCTAssertEqual(h.value("return 'a' .. 'b'"), .string("ab"))
        XCTAssertEqual(h.value("return {1, 2, 3}"), [1, 2, 3])
    }

    func testSyntaxErrorNamesTheLine() throws {
        let h = try Harness()
        guard case .syntax(let m)? = h.error("local x =\n\n+") else { return XCTFail() }
        XCTAssertTrue(m.contains("test:3:"), m)
    }

    func testRuntimeErrorHasPositionAndTraceback() throws {
        let h = try Harness()
        guard case .runtime(let m, let tb, _)? = h.error("local function f() error('boom') end\nf()") else { return XCTFail() }
        XCTAssertTrue(m.contains("test:1: boom"), m)
        XCTAssertTrue(tb.contains("stack traceback"), tb)
        XCTAssertTrue(tb.contains("test:2"), tb)
    }

    func testPrintGoesToTheHostWriter() throws {
        let h = try Harness()
        _ = h.value("print('hi', 1, nil, true)")
        XCTAssertEqual(h.output, "hi\t1\tnil\ttrue\n")
    }

    func testStatePersistsAcrossRuns() throws {
        let h = try Harness()
        _ = h.value("counter = 41")
        XCTAssertEqual(h.value("counter = counter + 1 return counter"), 42)
    }

    func testHostFunctionErrorsAreLuaErrors() throws {
        let h = try Harness()
        h.host.register(global: "boom") { call in
            throw ArgumentError(function: "boom", position: 1, expected: "string expected, got \(call.typeName(1))")
        }
        guard case .runtime(let m, _, _)? = h.error("boom(1)") else { return XCTFail() }
        XCTAssertTrue(m.contains("test:1: bad argument #1 to 'boom' (string expected, got number)"), m)
        // pcall catches ordinary host errors.
        XCTAssertEqual(h.value("return (pcall(boom, 1))"), false)
    }

    func testSuspendingHostFunctionResumesWithResult() throws {
        let h = try Harness()
        h.host.register(global: "slow_add") { call in
            let a = try call.integer(1), b = try call.integer(2)
            return .suspend {
                try await Task.sleep(nanoseconds: 10_000_000)
                return [.int(a + b)]
            }
        }
        XCTAssertEqual(h.value("return slow_add(2, 3) + slow_add(10, 20)"), 35)
        // Inside pcall, inside a user coroutine, and where yielding is impossible.
        XCTAssertEqual(h.value("local ok, v = pcall(slow_add, 1, 1) return v"), 2)
        XCTAssertEqual(h.value("local co = coroutine.wrap(function() return slow_add(4, 4) end) return co()"), 8)
        XCTAssertEqual(h.value("local t = {3,1,2} table.sort(t, function(a, b) return slow_add(a, 0) < slow_add(b, 0) end) return t"), [1, 2, 3])
        XCTAssertEqual(h.value("return (string.gsub('ab', '%w', function(c) return tostring(slow_add(1, 1)) end))"), "22")
    }

    func testSuspendedErrorsAreRaisedInLua() throws {
        let h = try Harness()
        h.host.register(global: "fails") { _ in .suspend { throw HostError("remote said no") } }
        XCTAssertEqual(h.value("local ok, e = pcall(function() fails() end) return e"), .string("test:1: remote said no"))
    }

    /// Each spawned task waits in host code until all 20 are waiting at
    /// once: they can only all get there if the waits overlap. Bound by that
    /// event (the peak of tasks waiting together), not by the clock; a task
    /// that finds itself alone for 2 s gives up, so tasks run one after
    /// another fail the count instead of hanging.
    func testSpawnedTasksRunConcurrently() throws {
        let h = try Harness()
        let waiting = Gathering()
        h.host.register(global: "gather") { call in
            let n = try call.integer(1)
            return .suspend { try await waiting.gather(Int(n)); return [] }
        }
        try h.host.install(global: "tasks", source: """
            local H = ...
            return H.lock({ spawn = H.spawn, join = H.join }, "tasks")
            """, functions: [:])
        XCTAssertEqual(h.value("""
            local done = {}
            local ids = {}
            for i = 1, 20 do ids[i] = tasks.spawn(function() gather(20) done[#done+1] = i end) end
            local errs = tasks.join(ids)
            return #done
            """), 20)
        XCTAssertEqual(waiting.peak, 20, "the 20 tasks' waits overlap")
    }
}

/// Host work that waits until `n` callers are waiting together (or 2 s
/// pass), recording the most that ever waited at once.
final class Gathering: Sendable {
    private struct State { var waiting = 0; var peak = 0 }
    private let state = Mutex(State())

    var peak: Int { state.withLock { $0.peak } }

    func gather(_ n: Int) async throws {
        let now = state.withLock { s -> Int in
            s.waiting += 1
            s.peak = max(s.peak, s.waiting)
            return s.peak
        }
        var polls = 0
        var reached = now >= n
        while !reached && polls < 400 {
            try await Task.sleep(nanoseconds: 5_000_000)
            polls += 1
            reached = state.withLock { $0.peak >= n }
        }
        state.withLock { $0.waiting -= 1 }
    }
}
