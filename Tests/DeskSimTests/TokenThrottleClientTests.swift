import DeskCatalog
import DeskCore
import Foundation
import XCTest
@testable import DeskSim

/// The client against the in-process simulator's token throttle (issues 15
/// and 16): after ten refreshes the eleventh is refused, the refusal is
/// remembered, and later calls fail fast without reaching the simulator.
final class TokenThrottleClientTests: XCTestCase {
    func testClientStopsAskingOnceTheSimulatorThrottles() async throws {
        let sim = Simulator(clock: ManualClock())
        let connection = Connection(profile: "sim", accountsURL: sim.accountsURL, apiURL: sim.apiURL,
                                    clientId: sim.clientId, clientSecret: sim.clientSecret,
                                    refreshToken: sim.issueRefreshToken(), orgId: sim.orgId)
        let store = InMemoryTokenStore()
        var options = DeskClientOptions.fast()
        options.discoverOrg = false
        let client = DeskClient(connection: connection, transport: sim.transport, store: store, options: options)
        let op = try XCTUnwrap(Catalog.shared.operation(id: "getAgents"))

        for round in 0..<10 {
            _ = try await client.call(op)
            XCTAssertEqual(sim.refreshCount, round + 1)
            sim.expireTokens()
        }
        sim.clearRequestLog()
        do {
            _ = try await client.call(op)
            XCTFail("the eleventh refresh should be refused")
        } catch let error as DeskError {
            XCTAssertEqual(error.errorCode, "access_denied")
            XCTAssertEqual(error.status, 400)
            XCTAssertTrue(error.message.contains("Retry after"), error.message)
        }
        for _ in 0..<5 {
            do {
                _ = try await client.call(op)
                XCTFail("inside the back-off every call fails")
            } catch let error as DeskError {
                XCTAssertTrue(error.message.contains("Retry after"), error.message)
            }
        }
        let log = sim.requestLog
        XCTAssertEqual(log.map(\.path), ["/api/v1/agents", "/oauth/v2/token"],
                       "the expired token's 401, then one refused refresh; nothing after: \(log)")
        XCTAssertEqual(log.last?.status, 400)
        XCTAssertEqual(sim.throttledRefreshCount, 1)
    }
}
