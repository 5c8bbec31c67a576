import Foundation
import JSONValue
import XCTest
@testable import DeskSim
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class ServerSmokeTests: XCTestCase {
    func testHummingbirdServerAnswersARealHTTPRequest() async throws {
        let sim = Simulator()
        let server = SimServer(simulator: sim, port: 0)
        let port = try await server.start()
        XCTAssertGreaterThan(port, 0)
        XCTAssertEqual(sim.apiURL, "http://127.0.0.1:\(port)")
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/labels")!)
        request.setValue("Zoho-oauthtoken \(sim.issueToken())", forHTTPHeaderField: "Authorization")
        request.setValue(sim.orgId, forHTTPHeaderField: "orgId")
        let (data, response) = try await URLSession.shared.data(for: request)
        XCTAssertEqual((response as? HTTPURLResponse)?.statusCode, 200)
        XCTAssertEqual(try JSON.parse(Array(data))["data"]?.arrayValue?.count, 3)

        // An injected reset closes the socket without an answer.
        sim.resetConnection(op: "getLabels", times: 10)
        do {
            _ = try await URLSession.shared.data(for: request)
            XCTFail("expected the connection to drop")
        } catch {}
        await server.stop()
    }
}
