import JSONValue
import XCTest

@testable import LuaHost

/// When the last task of a join finishes, the joining task resumes in the
/// same turn of the scheduler: it used to wait out a whole poll of the
/// inbox first (50 ms at the end of every `desk.each`), with nothing left
/// that could arrive.
final class JoinHandoffTests: XCTestCase {
    func testAJoinResumesWithoutAnIdlePoll() throws {
        let h = try Harness()
        h.host.register(global: "later") { call in
            let n = try call.integer(1)
            return .suspend { try await Task.sleep(nanoseconds: 1_000_000); return [.int(n)] }
        }
        try h.host.install(global: "tasks", source: """
            local H = ...
            return H.lock({ spawn = H.spawn, join = H.join }, "tasks")
            """, functions: [:])
        for round in 1...5 {
            XCTAssertEqual(h.value("""
                local sum = 0
                local ids = {}
                for i = 1, 8 do ids[i] = tasks.spawn(function() local v = later(i); sum = sum + v end) end
                tasks.join(ids)
                return sum
                """), 36, "round \(round)")
        }
        XCTAssertEqual(h.host.idleWaits, 0, "polls of the inbox with no host work left")
    }
}
