import DeskCore
import JSONValue
import XCTest
@testable import DeskSim

final class LimitsAndFaultsTests: XCTestCase {
    func testConcurrencyCapAnswers429() async throws {
        let h = SimHarness { $0.concurrencyLimit = 2 }
        h.sim.setLatency(ms: 150)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<5 { group.addTask { try await h.call("GET", "/api/v1/agents").status } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        XCTAssertEqual(statuses.filter { $0 == 200 }.count, 2)
        XCTAssertEqual(statuses.filter { $0 == 429 }.count, 3)
        XCTAssertEqual(h.sim.stats.peakInFlight, 2)
        let codes = h.sim.requestLog.filter { $0.status == 429 }
        XCTAssertEqual(codes.count, 3)
        h.sim.setLatency(ms: 0)
        let after = try await h.call("GET", "/api/v1/agents")
        XCTAssertEqual(after.status, 200, "slots are released")
    }

    func testCreditBudgetAnswersThresholdExceeded() async throws {
        let h = SimHarness { $0.dailyCredits = 3 }
        for _ in 0..<3 {
            let ok = try await h.call("GET", "/api/v1/agents")
            XCTAssertEqual(ok.status, 200)
        }
        let over = try await h.call("GET", "/api/v1/agents")
        XCTAssertEqual(over.status, 429)
        XCTAssertEqual(over.errorCode, "THRESHOLD_EXCEEDED")
        XCTAssertEqual(h.sim.stats.creditsUsed, 3)
        h.clock.advance(seconds: 86_400)
        let nextDay = try await h.call("GET", "/api/v1/agents", token: h.sim.issueToken())
        XCTAssertEqual(nextDay.status, 200, "the pool resets daily")
    }

    func testCountedStatusFaultForOneOperation() async throws {
        let h = SimHarness()
        h.sim.fail(op: "removeLabelsFromUsers", status: 429, times: 2)
        let label = demo.id(19, 1), user = demo.id(18, 1)
        let body: JSON = ["userIds": [.string(user)]]
        let other = try await h.call("GET", "/api/v1/labels")
        XCTAssertEqual(other.status, 200, "other operations are untouched")
        let first = try await h.call("POST", "/api/v1/labels/\(label)/users/remove", body: body)
        let second = try await h.call("POST", "/api/v1/labels/\(label)/users/remove", body: body)
        XCTAssertEqual([first.status, second.status], [429, 429])
        XCTAssertEqual(first.errorCode, "TOO_MANY_REQUESTS")
        XCTAssertEqual(h.sim.resource("labelUsers").filter { $0["labelId"]?.stringValue == label }.count, 4, "faulted requests change nothing")
        let third = try await h.call("POST", "/api/v1/labels/\(label)/users/remove", body: body)
        XCTAssertEqual(third.status, 204)
        XCTAssertEqual(h.sim.resource("labelUsers").filter { $0["labelId"]?.stringValue == label }.count, 3)
    }

    /// The same seed gives the same fault pattern; another seed a different one.
    func testProbabilisticFaultsAreDeterministicBySeed() async throws {
        func pattern(seed: UInt64) async throws -> [Int] {
            let h = SimHarness { $0.seed = seed }
            h.sim.fail(op: "getAgents", status: 500, probability: 0.5)
            var out: [Int] = []
            for _ in 0..<32 { out.append(try await h.call("GET", "/api/v1/agents").status) }
            return out
        }
        let a = try await pattern(seed: 7), b = try await pattern(seed: 7), c = try await pattern(seed: 8)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        XCTAssertTrue(a.contains(500) && a.contains(200))
    }

    func testConnectionResetThrowsAndChangesNothing() async throws {
        let h = SimHarness()
        h.sim.resetConnection(op: "deleteTicket", times: 1)
        let req = h.request("POST", "/api/v1/tickets/moveToTrash", body: ["ticketIds": [.string(demo.id(22, 1))]])
        do {
            _ = try await h.sim.transport.send(req)
            XCTFail("expected a reset")
        } catch TransportError.connectionReset {}
        XCTAssertEqual(h.sim.resource("tickets").count, 20)
        XCTAssertEqual(h.sim.requestLog.last?.status, 0)
        let retry = try await h.sim.transport.send(req)
        XCTAssertEqual(retry.status, 204)
        XCTAssertEqual(h.sim.resource("tickets").count, 19)
    }

    func testProbabilisticResetsAreDeterministic() async throws {
        func pattern(seed: UInt64) async -> [Bool] {
            let h = SimHarness { $0.seed = seed }
            h.sim.resetConnection(probability: 0.3)
            var out: [Bool] = []
            for _ in 0..<20 {
                do { _ = try await h.sim.transport.send(h.request("GET", "/api/v1/agents")); out.append(true) } catch { out.append(false) }
            }
            return out
        }
        let a = await pattern(seed: 3), b = await pattern(seed: 3)
        XCTAssertEqual(a, b)
        XCTAssertTrue(a.contains(false))
    }

    func testExpireTokenFault() async throws {
        let h = SimHarness()
        h.sim.expireToken(op: "getAgents")
        let r = try await h.call("GET", "/api/v1/agents")
        XCTAssertEqual(r.status, 401)
        let after = try await h.call("GET", "/api/v1/tickets")
        XCTAssertEqual(after.status, 401, "the token really expired")
    }

    func testLatencyWithJitterIsSeeded() async throws {
        let h = SimHarness { $0.seed = 1 }
        h.sim.setLatency(ms: 20, jitterMs: 30)
        // The delay the simulator draws first from seed 1: within 20–50 ms,
        // and the call takes at least that long. Only a lower bound on the
        // clock (a loaded machine makes calls slower, never faster).
        var same = FaultPlan(seed: 1)
        same.latency = Latency(fixedMs: 20, jitterMs: 30)
        let drawn = Double(same.delayNanos()) / 1e9
        XCTAssertTrue((0.020...0.050).contains(drawn), "\(drawn) s")
        let start = Date()
        _ = try await h.call("GET", "/api/v1/agents")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), drawn - 0.001)
        var a = FaultPlan(seed: 9), b = FaultPlan(seed: 9)
        a.latency = Latency(fixedMs: 10, jitterMs: 50); b.latency = a.latency
        XCTAssertEqual((0..<10).map { _ in a.delayNanos() }, (0..<10).map { _ in b.delayNanos() })
    }

    func testRequestLogAndStats() async throws {
        let h = SimHarness()
        _ = try await h.call("GET", "/api/v1/labels")
        _ = try await h.call("GET", "/api/v1/nope")
        let log = h.sim.requestLog
        XCTAssertEqual(log.map(\.operationId), ["getLabels", nil])
        XCTAssertEqual(log.map(\.status), [200, 404])
        XCTAssertEqual(h.sim.stats.requests, 2)
    }
}
