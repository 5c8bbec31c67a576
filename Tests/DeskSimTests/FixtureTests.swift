import DeskCore
import Foundation
import JSONValue
import TestSupport
import XCTest
@testable import DeskSim

final class FixtureTests: XCTestCase {
    func testDemoOrganisation() {
        let sim = Simulator(clock: ManualClock())
        XCTAssertEqual(sim.resource("organizations").count, 1)
        XCTAssertEqual(sim.resource("users").count, 12)
        XCTAssertEqual(sim.resource("groups").count, 3)
        XCTAssertEqual(sim.resource("labels").count, 3)
        XCTAssertEqual(sim.resource("badges").count, 3)
        XCTAssertEqual(sim.resource("profiles").map { $0["name"]?.stringValue }, ["Administrator", "Support Agent", "Light Agent", "Contractors"])
        XCTAssertEqual(sim.resource("agents").count, 6)
        XCTAssertEqual(sim.resource("departments").count, 2)
        XCTAssertEqual(sim.resource("teams").count, 2)
        XCTAssertEqual(sim.resource("tickets").count, 20)
        XCTAssertEqual(sim.resource("contacts").count, 8)
        XCTAssertEqual(sim.resource("accounts").count, 3)
        XCTAssertFalse(sim.resource("tasks").isEmpty)
        XCTAssertFalse(sim.resource("products").isEmpty)
        XCTAssertFalse(sim.resource("articles").isEmpty)
        XCTAssertEqual(Set(sim.resource("labelUsers").compactMap { $0["labelId"]?.stringValue }).count, 3)
        XCTAssertTrue(sim.orgId.allSatisfy(\.isNumber))
    }

    func testLoadFromFileAndStateRoundTrip() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sim-fixture-\(UUID()).json")
        let json: JSON = [
            "organizations": [["id": "555", "companyName": "Tiny", "isDefault": true]],
            "labels": [["id": "10", "name": "Only", "userIds": ["20", "21"]]],
            "users": [["id": "20", "name": "A"], ["id": "21", "name": "B"]],
        ]
        try Data(json.encodedBytes()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let sim = Simulator(fixture: try Fixture.load(path: file.path), clock: ManualClock())
        XCTAssertEqual(sim.orgId, "555")
        XCTAssertEqual(sim.resource("labelUsers").count, 2)
        XCTAssertNotNil(sim.resource("users").first?["label"], "schema skeleton fills required fields")
        // state() is itself a loadable fixture.
        let copy = Simulator(fixture: Fixture(json: sim.state()), clock: ManualClock())
        XCTAssertEqual(copy.state(), sim.state())
    }

    func testSeedUpsertsAndLinks() async throws {
        let h = SimHarness()
        try h.sim.seed(["labels": [["name": "VIP", "userIds": [.string(demo.id(18, 5))]]],
                        "tickets": [["id": .string(demo.id(22, 1)), "subject": "Renamed"]]])
        XCTAssertEqual(h.sim.resource("labels").count, 4)
        XCTAssertEqual(h.sim.resource("tickets").first { $0["id"]?.stringValue == demo.id(22, 1) }?["subject"], "Renamed")
        XCTAssertEqual(h.sim.resource("tickets").first { $0["id"]?.stringValue == demo.id(22, 1) }?["status"], "Open", "merged, not replaced")
        let labels = try await h.call("GET", "/api/v1/users/\(demo.id(18, 5))/labels")
        XCTAssertEqual(labels.json?["data"]?.arrayValue?.count, 2)
    }

    func testBulkFixtureIsLazyAndPageable() async throws {
        let sim = Simulator(fixture: .bulk(labelUsers: 2000, tickets: 100_000), clock: ManualClock())
        let h = SimHarnessOver(sim: sim)
        // Lazy: building 100,000 tickets is work not done, bounded in CPU
        // seconds (a loaded machine cannot inflate them).
        let start = CPUTime.process()
        let page = try await h.call("GET", "/api/v1/tickets?from=99990&limit=10")
        XCTAssertEqual(page.status, 200)
        XCTAssertEqual(page.json?["data"]?.arrayValue?.count, 10)
        let one = try await h.call("GET", "/api/v1/tickets/1893000000050000")
        XCTAssertEqual(one.json?["subject"], "Bulk ticket 50000")
        let users = try await h.call("GET", "/api/v1/labels/\(demo.id(19, 1))/users?limit=50&from=1951")
        XCTAssertEqual(users.json?["data"]?.arrayValue?.count, 50)
        XCTAssertLessThan(CPUTime.process() - start, 5)
        let trash = try await h.call("POST", "/api/v1/tickets/moveToTrash", body: ["ticketIds": ["1893000000000007"]])
        XCTAssertEqual(trash.status, 204)
        let after = try await h.call("GET", "/api/v1/tickets/1893000000000007")
        XCTAssertEqual(after.status, 404)
    }

    func testCommittedDemoFixtureFileLoads() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = repo.appendingPathComponent("stdlib/fixtures/demo.json").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no stdlib/fixtures/demo.json") }
        let sim = Simulator(fixture: try Fixture.load(path: path), clock: ManualClock())
        XCTAssertEqual(sim.resource("tickets").count, 20)
    }
}

/// Like `SimHarness`, over an existing simulator.
struct SimHarnessOver {
    let sim: Simulator
    let token: String
    init(sim: Simulator) { self.sim = sim; token = sim.issueToken() }

    func call(_ method: String, _ path: String, body: JSON? = nil) async throws -> SimHarness.Result {
        var headers = [Header("Authorization", "Zoho-oauthtoken \(token)"), Header("orgId", sim.orgId)]
        if body != nil { headers.append(Header("Content-Type", "application/json")) }
        let r = try await sim.transport.send(WireRequest(method: method, url: sim.apiURL + path, headers: headers, body: body?.encodedBytes()))
        return SimHarness.Result(status: r.status, json: r.body.isEmpty ? nil : try JSON.parse(r.body), raw: r)
    }
}
