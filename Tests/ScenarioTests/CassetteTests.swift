import DeskCore
import DeskSim
import Foundation
import JSONValue
import DeskGate
import DeskRepl
import PlanApply
import Runbooks
import ScenarioTesting
import ShellCore
import XCTest

/// Record a run against the simulator, then replay it with no simulator.
final class CassetteTests: XCTestCase {
    static let recording = #"""
    local HC, GOLD = "1892000000150001", "1892000000190001"
    local labels = helpcenter.labels.list(HC)
    helpcenter.labels.remove_users(HC, GOLD, { "1892000000180001" })
    return #labels
    """#

    /// Records `recording` into `path` (with a token refresh on the way, so
    /// OAuth secrets pass through the recorder) and returns the secrets used.
    private func record(to path: String, expiring: Bool = true) throws -> [String] {
        let sim = Simulator()
        let (backend, recorder) = Backend.simulator(sim).recording(to: path)
        let session = try Session(client: backend.client, policy: Policy(grants: [try Policy.Pattern("*")]), output: { _ in })
        defer { session.host.close() }
        let connection = backend.client.connection
        if expiring { sim.expireTokens() }
        let result = session.run(Self.recording, name: "=record")
        guard case .success(let values) = result else { XCTFail("recording failed: \(result)"); return [] }
        XCTAssertEqual(values, [.json(.int(3))])
        try recorder.finish()
        XCTAssertEqual(sim.refreshCount, expiring ? 1 : 0)
        return [connection.accessToken?.reveal, connection.refreshToken?.reveal, connection.clientSecret?.reveal,
                backend.client.connection.accessToken?.reveal].compactMap { $0 }
    }

    func testRecordThenReplayWithoutSimulator() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cassette = folder.appendingPathComponent("recorded.json").path
        let secrets = try record(to: cassette)

        // Scrubbed: no token, refresh token or client secret in the file.
        let text = try String(contentsOfFile: cassette, encoding: .utf8)
        XCTAssertFalse(secrets.isEmpty)
        for s in Set(secrets) { XCTAssertFalse(text.contains(s), "cassette leaks a secret") }
        XCTAssertFalse(text.contains("Zoho-oauthtoken"))
        XCTAssertTrue(text.contains("<scrubbed>"))
        let loaded = try Cassette.load(path: cassette)
        // The expired token answers 401, the client refreshes and tries again.
        // The label is read once before the removal: its help center must be
        // the one the runbook named (the endpoint itself ignores it).
        XCTAssertEqual(loaded.interactions.map { "\($0.request.method) \($0.request.path) \($0.response?.status ?? 0)" }, [
            "GET /api/v1/labels 401", "POST /oauth/v2/token 200", "GET /api/v1/labels 200",
            "GET /api/v1/labels/1892000000190001 200",
            "POST /api/v1/labels/1892000000190001/users/remove 204",
        ])

        // Replay through the scenario runner: its sample file uses the cassette.
        try FileManager.default.copyItem(atPath: Repo.scenario("cassette/replay_test.lua"),
                                         toPath: folder.appendingPathComponent("replay_test.lua").path)
        let suite = try runScenarios([folder.path])
        for r in suite.results where r.status == .failed {
            XCTFail("\(r.name): \(r.failure?.location ?? "?") \(r.failure?.message ?? "")")
        }
        XCTAssertEqual(suite.summaryLine, "4 passed, 0 failed")
    }

    func testReplayTransportNeverConnects() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cassette = folder.appendingPathComponent("recorded.json").path
        _ = try record(to: cassette, expiring: false)
        let replay = try ReplayTransport(path: cassette)

        let hit = try await replay.send(WireRequest(method: "GET", url: "https://desk.zoho.eu/api/v1/labels?helpCenterId=1892000000150001",
                                                    headers: [Header("Authorization", "Zoho-oauthtoken other")]))
        XCTAssertEqual(hit.status, 200)
        XCTAssertEqual(try JSON.parse(hit.body)["data"]?.arrayValue?.count, 3)

        do {
            _ = try await replay.send(WireRequest(method: "GET", url: "https://desk.zoho.eu/api/v1/profiles"))
            XCTFail("a request the cassette does not hold must fail")
        } catch TransportError.notRecorded(let what) {
            XCTAssertEqual(what, "GET /api/v1/profiles")
        }
        XCTAssertEqual(replay.unmatched, ["GET /api/v1/profiles"])

        // A whole session replays the recording, and nothing else.
        let backend = try Backend.replay(cassette: cassette)
        XCTAssertNil(backend.simulator)
        let session = try Session(client: backend.client, policy: Policy(grants: [try Policy.Pattern("*")]), output: { _ in })
        defer { session.host.close() }
        XCTAssertEqual(try session.run(Self.recording, name: "=replay").get(), [.json(.int(3))])
        guard case .failure(let e) = session.run("return desk.profiles.list()", name: "=miss") else {
            return XCTFail("an unrecorded call must fail")
        }
        XCTAssertTrue(e.description.contains("notRecorded"), e.description)
    }

    func testCassetteRoundTripsBodies() throws {
        let c = Cassette(interactions: [
            .init(request: .init(method: "post", path: "/x", query: ["a": "1"], body: .json(["k": "v"])),
                  response: .init(status: 200, headers: ["Content-Type": "text/plain"], body: .text("hi"))),
            .init(request: .init(method: "GET", path: "/bin"), response: .init(status: 200, body: .binary([0, 255, 1]))),
            .init(request: .init(method: "GET", path: "/reset"), failure: .connectionReset),
        ])
        XCTAssertEqual(try Cassette(json: try JSON.parse(c.json.encoded())), c)
        XCTAssertThrowsError(try Cassette(json: ["interactions": []]))
    }
}
