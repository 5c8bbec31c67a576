import JSONValue
import XCTest
@testable import DeskSim

/// Relationships between resources behave as at Zoho.
final class ResourceSemanticsTests: XCTestCase {
    func testDeleteProfileMovesAgentsToTheTransferProfile() async throws {
        let h = SimHarness()
        let contractors = demo.id(10, 4), support = demo.id(10, 2)
        let r = try await h.call("POST", "/api/v1/profiles/\(contractors)/delete", body: ["transferToProfileId": .string(support)])
        XCTAssertEqual(r.status, 204)
        let gone = try await h.call("GET", "/api/v1/profiles/\(contractors)")
        XCTAssertEqual(gone.status, 404)
        let moved = h.sim.resource("agents").filter { [demo.id(13, 5), demo.id(13, 6)].contains($0["id"]?.stringValue ?? "") }
        XCTAssertEqual(moved.map { $0["profileId"]?.stringValue }, [support, support])
        let onSupport = try await h.call("GET", "/api/v1/profiles/\(support)/agents")
        XCTAssertEqual(ids(onSupport.json, key: "agents").count, 4)
        // Transfer target must exist; default profiles cannot be deleted.
        let badTarget = try await h.call("POST", "/api/v1/profiles/\(support)/delete", body: ["transferToProfileId": "42"])
        XCTAssertEqual(badTarget.status, 422)
        let isDefault = try await h.call("POST", "/api/v1/profiles/\(support)/delete", body: ["transferToProfileId": .string(demo.id(10, 1))])
        XCTAssertEqual(isDefault.status, 422)
    }

    func testRemovingLabelFromUserUpdatesBothSidesWithResults() async throws {
        let h = SimHarness()
        let gold = demo.id(19, 1), user = demo.id(18, 2)
        let before = try await h.call("GET", "/api/v1/labels/\(gold)/users")
        XCTAssertTrue(ids(before.json).contains(user))
        let r = try await h.call("POST", "/api/v1/users/\(user)/labels/remove", body: ["labelIds": [.string(gold), .string(demo.id(19, 3)), "99"]])
        XCTAssertEqual(r.status, 200)
        let results = try XCTUnwrap(r.json?["results"]?.arrayValue)
        XCTAssertEqual(results.map { $0["success"] }, [true, false, false])
        XCTAssertEqual(results[0]["errors"], .null)
        XCTAssertEqual(results[1]["errors"]?["httpCode"], "422", "not assigned")
        XCTAssertEqual(results[2]["errors"]?["errorCode"], "INVALID_DATA", "unknown id: mass-action errors carry no URL_NOT_FOUND")
        let labelSide = try await h.call("GET", "/api/v1/labels/\(gold)/users")
        XCTAssertFalse(ids(labelSide.json).contains(user))
        let userSide = try await h.call("GET", "/api/v1/users/\(user)/labels")
        XCTAssertEqual(userSide.status, 200)
        XCTAssertFalse(ids(userSide.json).contains(gold))
        let label = try await h.call("GET", "/api/v1/labels/\(gold)")
        XCTAssertEqual(label.json?["count"], "3")
    }

    func testRemovingUsersFromLabelUpdatesTheUsersLabels() async throws {
        let h = SimHarness()
        let silver = demo.id(19, 2), user = demo.id(18, 4)
        let r = try await h.call("POST", "/api/v1/labels/\(silver)/users/remove", body: ["userIds": [.string(user)]])
        XCTAssertEqual(r.status, 204)
        let labels = try await h.call("GET", "/api/v1/users/\(user)/labels")
        XCTAssertEqual(ids(labels.json), [demo.id(19, 1)])
        XCTAssertFalse(h.sim.resource("labelUsers").contains { $0["labelId"]?.stringValue == silver && $0["userId"]?.stringValue == user })
        let unknownUser = try await h.call("POST", "/api/v1/labels/\(silver)/users/remove", body: ["userIds": ["5"]])
        XCTAssertEqual(unknownUser.status, 422)
        XCTAssertEqual(unknownUser.json?["errors"]?[0]?["fieldName"], "/userIds/0")
    }

    func testGroupsAndBadgesFromBothSides() async throws {
        let h = SimHarness()
        let user = demo.id(18, 1), beta = demo.id(20, 1)
        let dis = try await h.call("POST", "/api/v1/users/\(user)/groups/dissociate", body: ["groupIds": [.string(beta)]])
        XCTAssertEqual(dis.json?["results"]?[0]?["success"], true)
        let members = try await h.call("GET", "/api/v1/groups/\(beta)/users")
        XCTAssertFalse(ids(members.json).contains(user))
        let badge = try await h.call("POST", "/api/v1/users/\(user)/badges/dissociate", body: ["badgeIds": [.string(demo.id(21, 1))]])
        XCTAssertEqual(badge.json?["results"]?[0]?["success"], true)
        let badges = try await h.call("GET", "/api/v1/users/\(user)/badges")
        XCTAssertEqual(ids(badges.json), [demo.id(21, 2)])
    }

    func testTicketTrashRecycleBinRestore() async throws {
        let h = SimHarness()
        let t = demo.id(22, 3)
        let trash = try await h.call("POST", "/api/v1/tickets/moveToTrash", body: ["ticketIds": [.string(t)]])
        XCTAssertEqual(trash.status, 204)
        let gone = try await h.call("GET", "/api/v1/tickets/\(t)")
        XCTAssertEqual(gone.status, 404)
        let bin = try await h.call("GET", "/api/v1/recycleBin")
        XCTAssertEqual(ids(bin.json), [t])
        XCTAssertEqual(bin.json?["data"]?[0]?["displayName"], "Invoice missing")
        XCTAssertNil(bin.json?["data"]?[0]?["_entity"], "internal keys stay internal")
        let restore = try await h.call("POST", "/api/v1/recycleBin/restore", body: ["ids": [.string(t)]])
        XCTAssertEqual(restore.json?["results"]?[0]?["success"], true)
        let back = try await h.call("GET", "/api/v1/tickets/\(t)")
        XCTAssertEqual(back.status, 200)
        XCTAssertEqual(back.json?["subject"], "Invoice missing")
        let threads = try await h.call("GET", "/api/v1/tickets/\(t)/threads")
        XCTAssertEqual(ids(threads.json).count, 3)
        let emptyBin = try await h.call("GET", "/api/v1/recycleBin")
        XCTAssertEqual(emptyBin.json?["data"]?.arrayValue?.count ?? 0, 0)
        // Unknown ids: nothing moves.
        let bad = try await h.call("POST", "/api/v1/tickets/moveToTrash", body: ["ticketIds": [.string(t), "77"]])
        XCTAssertEqual(bad.status, 422)
        XCTAssertEqual(h.sim.resource("tickets").count, 20)
    }

    func testTicketsThreadsAndComments() async throws {
        let h = SimHarness()
        let created = try await h.call("POST", "/api/v1/tickets", body: [
            "subject": "New one", "departmentId": .string(demo.id(12, 1)), "contactId": .string(demo.id(16, 1)),
        ])
        XCTAssertEqual(created.status, 200)
        let id = try XCTUnwrap(created.json?["id"]?.stringValue)
        XCTAssertEqual(created.json?["ticketNumber"], "121")
        XCTAssertEqual(created.json?["statusType"], "Open")
        let reply = try await h.call("POST", "/api/v1/tickets/\(id)/sendReply", body: ["channel": "EMAIL", "content": "Hi", "to": "jo@example.org"])
        XCTAssertEqual(reply.status, 200)
        let comment = try await h.call("POST", "/api/v1/tickets/\(id)/comments", body: ["content": "note", "isPublic": false])
        XCTAssertEqual(comment.status, 200)
        let t = try await h.call("GET", "/api/v1/tickets/\(id)")
        XCTAssertEqual(t.json?["threadCount"], "1")
        XCTAssertEqual(t.json?["commentCount"], "1")
        let closed = try await h.call("PATCH", "/api/v1/tickets/\(id)", body: ["status": "Closed"])
        XCTAssertEqual(closed.json?["statusType"], "Closed")
        let old = try await h.call("GET", "/api/v1/tickets?receivedInDays=30&limit=50")
        XCTAssertLessThan(ids(old.json).count, 21, "some demo tickets are older than 30 days")
        XCTAssertGreaterThan(ids(old.json).count, 5)
        let missingDept = try await h.call("POST", "/api/v1/tickets", body: ["subject": "x", "departmentId": "1", "contactId": .string(demo.id(16, 1))])
        XCTAssertEqual(missingDept.status, 422)
    }
}
