import DeskCore
import JSONValue
import XCTest
@testable import DeskSim

/// Routing, auth, orgId, validation and envelope edges.
final class ProtocolEdgeTests: XCTestCase {
    func testUnknownPathIs404AndWrongMethodIs405() async throws {
        let h = SimHarness()
        let unknown = try await h.call("GET", "/api/v1/nothingHere")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.errorCode, "URL_NOT_FOUND")
        XCTAssertNotNil(unknown.json?["message"]?.stringValue)
        let wrongMethod = try await h.call("DELETE", "/api/v1/profiles/\(demo.id(10, 4))")
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertEqual(wrongMethod.errorCode, "METHOD_NOT_ALLOWED")
        // The existing client's invented path does not exist at Zoho.
        let invented = try await h.call("DELETE", "/api/v1/helpcenter/1/labels/2/users")
        XCTAssertEqual(invented.status, 404)
    }

    func testUnknownIdIs404() async throws {
        let h = SimHarness()
        let r = try await h.call("GET", "/api/v1/tickets/1234567")
        XCTAssertEqual(r.status, 404)
        XCTAssertEqual(r.errorCode, "URL_NOT_FOUND")
    }

    func testMissingOrBadTokenIs401() async throws {
        let h = SimHarness()
        let none = try await h.call("GET", "/api/v1/tickets", token: .some(nil))
        XCTAssertEqual(none.status, 401)
        XCTAssertEqual(none.errorCode, "INVALID_OAUTH")
        let bogus = try await h.call("GET", "/api/v1/tickets", token: "1000.bogus")
        XCTAssertEqual(bogus.status, 401)
    }

    func testTokenWithoutScopeIs403() async throws {
        let h = SimHarness()
        let ticketsOnly = h.sim.issueToken(scopes: ["Desk.tickets.READ"])
        let ok = try await h.call("GET", "/api/v1/tickets", token: ticketsOnly)
        XCTAssertEqual(ok.status, 200)
        let denied = try await h.call("GET", "/api/v1/labels", token: ticketsOnly)
        XCTAssertEqual(denied.status, 403)
        XCTAssertEqual(denied.errorCode, "SCOPE_MISMATCH")
        let write = try await h.call("POST", "/api/v1/tickets/moveToTrash", body: ["ticketIds": [.string(demo.id(22, 1))]], token: ticketsOnly)
        XCTAssertEqual(write.status, 403)
        // ALL covers every operation of its group.
        let all = h.sim.issueToken(scopes: ["Desk.contacts.ALL"])
        let labels = try await h.call("GET", "/api/v1/labels", token: all)
        XCTAssertEqual(labels.status, 200)
    }

    func testOrgIdRequiredExceptOnOrganizations() async throws {
        let h = SimHarness()
        let missing = try await h.call("GET", "/api/v1/tickets", orgId: .some(nil))
        XCTAssertEqual(missing.status, 422)
        XCTAssertEqual(missing.json?["errors"]?[0]?["fieldName"], "orgId")
        XCTAssertEqual(missing.json?["errors"]?[0]?["errorType"], "missing")
        let wrong = try await h.call("GET", "/api/v1/tickets", orgId: "999")
        XCTAssertEqual(wrong.status, 403)
        XCTAssertEqual(wrong.errorCode, "OAUTH_ORG_MISMATCH")
        let notNumeric = try await h.call("GET", "/api/v1/tickets", orgId: "acme")
        XCTAssertEqual(notNumeric.status, 422)
        let orgs = try await h.call("GET", "/api/v1/organizations", orgId: .some(nil))
        XCTAssertEqual(orgs.status, 200)
        XCTAssertEqual(ids(orgs.json), [h.sim.orgId])
        XCTAssertEqual(orgs.json?["data"]?[0]?["isDefault"], true)
        // ?orgId= works as well as the header.
        let query = try await h.call("GET", "/api/v1/tickets?orgId=\(h.sim.orgId)", orgId: .some(nil))
        XCTAssertEqual(query.status, 200)
    }

    func testBadBodyIs422WithPointers() async throws {
        let h = SimHarness()
        let missing = try await h.call("POST", "/api/v1/profiles/\(demo.id(10, 4))/delete", body: [:])
        XCTAssertEqual(missing.status, 422)
        XCTAssertEqual(missing.errorCode, "INVALID_DATA")
        XCTAssertEqual(missing.json?["errors"]?[0]?["fieldName"], "/transferToProfileId")
        XCTAssertEqual(missing.json?["errors"]?[0]?["errorType"], "missing")
        let wrongType = try await h.call("POST", "/api/v1/labels/\(demo.id(19, 1))/users/remove", body: ["userIds": "not-an-array"])
        XCTAssertEqual(wrongType.status, 422)
        XCTAssertEqual(wrongType.json?["errors"]?[0]?["fieldName"], "/userIds")
        XCTAssertEqual(wrongType.json?["errors"]?[0]?["errorType"], "invalid")
        let duplicate = try await h.call("POST", "/api/v1/labels", body: ["name": "Gold", "helpCenterId": .string(demo.id(15, 1))])
        XCTAssertEqual(duplicate.json?["errors"]?[0]?["errorType"], "duplicate")
        let notJSON = try await h.sim.transport.send(WireRequest(method: "POST", url: h.sim.apiURL + "/api/v1/tickets/moveToTrash",
            headers: [Header("Authorization", "Zoho-oauthtoken \(h.token)"), Header("orgId", h.sim.orgId)], body: Array("{oops".utf8)))
        XCTAssertEqual(notJSON.status, 422)
    }

    func testPageLimitAboveMaximumIs422() async throws {
        let h = SimHarness()
        let tooMany = try await h.call("GET", "/api/v1/agents?limit=201")
        XCTAssertEqual(tooMany.status, 422)
        XCTAssertEqual(tooMany.json?["errors"]?[0]?["fieldName"], "limit")
        let fine = try await h.call("GET", "/api/v1/agents?limit=200")
        XCTAssertEqual(fine.status, 200)
        let page = try await h.call("GET", "/api/v1/tickets?from=1&limit=5")
        XCTAssertEqual(ids(page.json).count, 5)
        let next = try await h.call("GET", "/api/v1/tickets?from=6&limit=5")
        XCTAssertEqual(Set(ids(page.json)).intersection(ids(next.json)), [])
    }

    func testEmptyListIs204AndDeleteIs204() async throws {
        let h = SimHarness()
        let none = try await h.call("GET", "/api/v1/tickets?status=NoSuchStatus")
        XCTAssertEqual(none.status, 204)
        XCTAssertTrue(none.raw.body.isEmpty)
        let past = try await h.call("GET", "/api/v1/agents?from=500")
        XCTAssertEqual(past.status, 204)
        let del = try await h.call("DELETE", "/api/v1/labels/\(demo.id(19, 3))")
        XCTAssertEqual(del.status, 204)
        XCTAssertTrue(del.raw.body.isEmpty)
        let gone = try await h.call("GET", "/api/v1/labels/\(demo.id(19, 3))")
        XCTAssertEqual(gone.status, 404)
    }

    func testEnvelopes() async throws {
        let h = SimHarness()
        let teams = try await h.call("GET", "/api/v1/teams")
        XCTAssertEqual(ids(teams.json, key: "teams").count, 2)
        let members = try await h.call("GET", "/api/v1/teams/\(demo.id(14, 1))/members")
        XCTAssertEqual(ids(members.json, key: "members"), [demo.id(13, 2), demo.id(13, 3)])
        let byProfile = try await h.call("GET", "/api/v1/profiles/\(demo.id(10, 4))/agents")
        XCTAssertEqual(ids(byProfile.json, key: "agents").count, 2)
        let badges = try await h.call("GET", "/api/v1/badges")
        XCTAssertEqual(badges.json?.arrayValue?.count, 3, "badges are a bare array")
        let count = try await h.call("GET", "/api/v1/profiles/count")
        XCTAssertEqual(count.json?["count"], 4)
        let agents = try await h.call("GET", "/api/v1/agents")
        XCTAssertEqual(agents.json?["data"]?[0]?["id"]?.stringValue?.allSatisfy(\.isNumber), true, "ids are digit strings")
        let users = try await h.call("GET", "/api/v1/users?include=count")
        XCTAssertEqual(users.json?["count"], "12")
    }

    func testSynthesisedOperationsAreValidatedAndShaped() async throws {
        let h = SimHarness()
        // Webhooks are not modelled: validated against the catalog, answered by envelope.
        let list = try await h.call("GET", "/api/v1/webhooks")
        XCTAssertTrue([200, 204].contains(list.status))
        let bad = try await h.call("POST", "/api/v1/webhooks", body: [:])
        XCTAssertEqual(bad.status, 422)
        let created = try await h.call("POST", "/api/v1/webhooks", body: ["url": "https://example.org/hook", "subscriptions": ["Ticket_Add": .null]])
        XCTAssertEqual(created.status, 200)
        XCTAssertNotNil(created.json?["id"]?.stringValue, created.json?.description ?? "")
    }
}
