import DeskCore
import Foundation
import XCTest
@testable import DeskSim

/// `zdsh sim serve --latency`: the delay is a timer on the connection's
/// event loop (SimDelay), counted from the request's arrival. Requests in
/// flight together wait together, and none is answered before its latency.
final class ServedLatencyTests: XCTestCase {
    func testServedRequestsWaitTheirLatencyTogether() async throws {
        let sim = Simulator()
        sim.setLatency(ms: 500)
        let server = SimServer(simulator: sim)
        let port = try await server.start()
        let request = WireRequest(method: "GET", url: "http://127.0.0.1:\(port)/api/v1/agents",
                                  headers: [Header("Authorization", "Zoho-oauthtoken \(sim.issueToken())"),
                                            Header("orgId", sim.orgId)])
        let calls = 6
        do {
            let (statuses, elapsed) = try await HTTPTransport.withTransport { transport in
                let start = ContinuousClock.now
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<calls { group.addTask { try await transport.send(request).status } }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                return (statuses, ContinuousClock.now - start)
            }
            XCTAssertEqual(statuses, Array(repeating: 200, count: calls))
            // A lower bound only: a loaded machine makes answers later, never sooner.
            XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(500))
            // The event that shows the waits overlap: all six were admitted
            // before the first was answered.
            XCTAssertEqual(sim.stats.peakInFlight, calls)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
