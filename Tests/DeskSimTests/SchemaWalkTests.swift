import DeskCatalog
import DeskCore
import JSONValue
import XCTest
@testable import DeskSim

/// Walks every stateful operation with realistic arguments against one demo org
/// (reads, then writes, then deletes) and checks each answer with the strict
/// `ResponseChecker` over the generated response schemas (no spec files needed).
final class SchemaWalkTests: XCTestCase {
    func testEveryStatefulOperationAnswersWithTheDocumentedShape() async throws {
        let checker = ResponseChecker()
        let h = SimHarness()
        let d = demo.self
        let org = h.sim.orgId
        let (tkt, cmt, usr, lbl, grp, hc) = (d.id(22, 1), d.id(24, 10), d.id(18, 1), d.id(19, 1), d.id(20, 1), d.id(15, 1))
        let (tag, otherTag) = ("1892000000990001", "1892000000990002")
        try h.sim.seed(["tags": [["id": .string(tag), "name": "walk-tag", "tagType": "MANUAL"],
                                 ["id": .string(otherTag), "name": "other-tag", "tagType": "MANUAL"]],
                        "ticketTags": [["ticketId": .string(tkt), "tagId": .string(tag)]]])
        let dept = try XCTUnwrap(h.sim.resource("tickets").first { $0["id"]?.stringValue == tkt }?["departmentId"]?.stringValue)
        // Reads first, then writes, then deletes; all against the demo fixture.
        let calls: [(String, String, JSON?)] = [
            ("GET", "/api/v1/organizations", nil), ("GET", "/api/v1/accessibleOrganizations", nil),
            ("GET", "/api/v1/organizations/\(org)", nil), ("PATCH", "/api/v1/organizations/\(org)", ["description": "x"]),
            ("POST", "/api/v1/organizations/markDefault", ["id": .string(org)]),
            ("GET", "/api/v1/profiles", nil), ("GET", "/api/v1/profiles/\(d.id(10, 1))", nil), ("GET", "/api/v1/profiles/count", nil),
            ("GET", "/api/v1/myProfile", nil), ("GET", "/api/v1/lightAgentProfile", nil),
            ("GET", "/api/v1/profiles/\(d.id(10, 2))/agents", nil),
            ("PATCH", "/api/v1/profiles/\(d.id(10, 2))", ["name": "Support Agent"]),
            ("POST", "/api/v1/profiles/\(d.id(10, 2))/clone", ["name": "Clone", "description": "copy"]),
            ("GET", "/api/v1/roles", nil), ("GET", "/api/v1/roles/\(d.id(11, 1))", nil), ("GET", "/api/v1/roles/count", nil),
            ("GET", "/api/v1/rolesByIds?roleIds=\(d.id(11, 1)),\(d.id(11, 2))", nil), ("GET", "/api/v1/roles/\(d.id(11, 3))/agents", nil),
            ("POST", "/api/v1/roles", ["name": "Temp role", "reportsTo": .string(d.id(11, 1))]),
            ("PATCH", "/api/v1/roles/\(d.id(11, 3))", ["description": "Handles many tickets"]),
            ("GET", "/api/v1/agents", nil), ("GET", "/api/v1/agents/\(d.id(13, 2))?include=profile,role", nil),
            ("GET", "/api/v1/agents/count", nil), ("GET", "/api/v1/agentsByIds?agentIds=\(d.id(13, 1))", nil), ("GET", "/api/v1/myinfo", nil),
            ("POST", "/api/v1/agents", ["emailId": "new@acme.test", "lastName": "New", "roleId": .string(d.id(11, 3)), "profileId": .string(d.id(10, 2)),
                                        "rolePermissionType": "AgentPublic", "associatedDepartmentIds": [.string(d.id(12, 1))]]),
            ("PATCH", "/api/v1/agents/\(d.id(13, 3))", ["phone": "123"]),
            ("POST", "/api/v1/agents/activate", ["agentIds": [.string(d.id(13, 3))]]),
            ("POST", "/api/v1/agents/\(d.id(13, 4))/deactivate", nil),
            ("GET", "/api/v1/departments", nil), ("GET", "/api/v1/departments/\(d.id(12, 1))", nil), ("GET", "/api/v1/departments/count", nil),
            ("GET", "/api/v1/departmentsByIds?departmentIds=\(d.id(12, 2))", nil), ("GET", "/api/v1/departments/\(d.id(12, 1))/agents", nil),
            ("POST", "/api/v1/departments", ["name": "Sales"]), ("PATCH", "/api/v1/departments/\(d.id(12, 2))", ["description": "Money"]),
            ("POST", "/api/v1/departments/\(d.id(12, 2))/associateAgents", ["agentIds": [.string(d.id(13, 2))]]),
            ("POST", "/api/v1/departments/\(d.id(12, 2))/dissociateAgents", ["agentIds": [.string(d.id(13, 2))]]),
            ("POST", "/api/v1/departments/\(d.id(12, 2))/disable", ["agentNewDepartment": .string(d.id(12, 1))]),
            ("POST", "/api/v1/departments/\(d.id(12, 2))/enable", nil),
            ("GET", "/api/v1/teams", nil), ("GET", "/api/v1/teams/\(d.id(14, 1))", nil), ("GET", "/api/v1/teams/\(d.id(14, 1))/members", nil),
            ("GET", "/api/v1/departments/\(d.id(12, 1))/teams", nil), ("GET", "/api/v1/agents/\(d.id(13, 3))/teams", nil),
            ("GET", "/api/v1/roles/\(d.id(11, 3))/teams", nil),
            ("POST", "/api/v1/teams", ["name": "Night shift", "departmentId": .string(d.id(12, 1)), "agents": [.string(d.id(13, 2))]]),
            ("PATCH", "/api/v1/teams/\(d.id(14, 1))", ["description": "First line"]),
            ("GET", "/api/v1/helpCenters", nil), ("GET", "/api/v1/helpCenters/\(hc)", nil),
            ("GET", "/api/v1/users?include=count", nil), ("GET", "/api/v1/users/\(usr)", nil), ("PATCH", "/api/v1/users/\(usr)", ["status": "ACTIVE"]),
            ("GET", "/api/v1/users/\(usr)/labels", nil), ("GET", "/api/v1/users/\(usr)/groups", nil), ("GET", "/api/v1/users/\(usr)/badges", nil),
            ("POST", "/api/v1/users/\(usr)/labels/assign", ["labels": [["id": .string(d.id(19, 2)), "isPrimary": false]]]),
            ("POST", "/api/v1/users/\(usr)/groups/associate", ["groups": [["id": .string(d.id(20, 2))]]]),
            ("POST", "/api/v1/users/\(usr)/badges/associate", ["badgeIds": [.string(d.id(21, 3))]]),
            ("GET", "/api/v1/badges", nil),
            ("GET", "/api/v1/groups", nil), ("GET", "/api/v1/groups/\(grp)", nil), ("GET", "/api/v1/groups/\(grp)/users", nil),
            ("POST", "/api/v1/groups", ["name": "Insiders", "helpCenterId": .string(hc)]), ("PATCH", "/api/v1/groups/\(grp)", ["description": "Testers"]),
            ("POST", "/api/v1/groups/\(grp)/users/add", ["users": [["id": .string(d.id(18, 12))]]]),
            ("GET", "/api/v1/labels", nil), ("GET", "/api/v1/labels/\(lbl)", nil), ("GET", "/api/v1/labels/\(lbl)/users", nil),
            ("POST", "/api/v1/labels", ["name": "Platinum", "helpCenterId": .string(hc)]), ("PATCH", "/api/v1/labels/\(lbl)", ["name": "Gold+"]),
            ("POST", "/api/v1/labels/\(lbl)/users/add", ["userIds": [.string(d.id(18, 12))]]),
            ("GET", "/api/v1/tickets?include=contacts,assignee,departments", nil), ("GET", "/api/v1/tickets/\(tkt)", nil),
            ("GET", "/api/v1/tickets/\(tkt)/threads", nil), ("GET", "/api/v1/tickets/\(tkt)/comments", nil),
            ("GET", "/api/v1/tickets/\(tkt)/comments/\(cmt)", nil), ("GET", "/api/v1/tickets/\(tkt)/tasks", nil),
            ("GET", "/api/v1/contacts/\(d.id(16, 1))/tickets", nil), ("GET", "/api/v1/accounts/\(d.id(17, 1))/tickets", nil),
            // Search and tags (issue 28).
            ("GET", "/api/v1/tickets/search?status=Open", nil), ("GET", "/api/v1/contacts/search?_all=a", nil),
            ("GET", "/api/v1/accounts/search?_all=a", nil), ("GET", "/api/v1/tasks/search?_all=a", nil),
            ("GET", "/api/v1/products/search?_all=a", nil), ("GET", "/api/v1/search?searchStr=a", nil),
            ("POST", "/api/v1/tickets/\(tkt)/associateTag", ["tags": ["walk-added"]]), ("GET", "/api/v1/tickets/\(tkt)/tags", nil),
            ("GET", "/api/v1/tags/search?departmentId=\(dept)&searchVal=walk", nil), ("GET", "/api/v1/ticketTags?departmentId=\(dept)", nil),
            ("GET", "/api/v1/recentTicketTags?departmentId=\(dept)", nil), ("GET", "/api/v1/tags/\(tag)/tickets", nil),
            ("POST", "/api/v1/tickets/\(tkt)/dissociateTag", ["tags": ["walk-added"]]),
            ("PATCH", "/api/v1/tags/\(tag)/replace", ["id": .string(otherTag)]),
            ("POST", "/api/v1/tickets", ["subject": "Walk", "departmentId": .string(d.id(12, 1)), "contactId": .string(d.id(16, 2))]),
            ("PATCH", "/api/v1/tickets/\(tkt)", ["priority": "Low"]),
            ("POST", "/api/v1/tickets/\(tkt)/sendReply", ["channel": "EMAIL", "content": "Hello", "to": "jo@example.org", "fromEmailAddress": "support@acme.test"]),
            ("POST", "/api/v1/tickets/\(tkt)/comments", ["content": "Walk note"]),
            ("PATCH", "/api/v1/tickets/\(tkt)/comments/\(cmt)", ["content": "edited"]),
            ("POST", "/api/v1/closeTickets", ["ids": [.string(d.id(22, 2))]]),
            ("GET", "/api/v1/contacts", nil), ("GET", "/api/v1/contacts/\(d.id(16, 1))", nil), ("GET", "/api/v1/contacts/count", nil),
            ("GET", "/api/v1/contacts/contactsByIds?ids=\(d.id(16, 1))", nil), ("GET", "/api/v1/accounts/\(d.id(17, 1))/contacts", nil),
            ("POST", "/api/v1/contacts", ["lastName": "Walker"]), ("PATCH", "/api/v1/contacts/\(d.id(16, 1))", ["phone": "1"]),
            ("GET", "/api/v1/accounts", nil), ("GET", "/api/v1/accounts/\(d.id(17, 1))", nil), ("GET", "/api/v1/contacts/\(d.id(16, 1))/accounts", nil),
            ("POST", "/api/v1/accounts", ["accountName": "Hooli"]), ("PATCH", "/api/v1/accounts/\(d.id(17, 1))", ["industry": "Steel"]),
            ("GET", "/api/v1/tasks", nil), ("GET", "/api/v1/tasks/\(d.id(25, 1))", nil), ("GET", "/api/v1/tasks/count", nil),
            ("POST", "/api/v1/tasks", ["subject": "Walk task", "departmentId": .string(d.id(12, 1))]),
            ("PATCH", "/api/v1/tasks/\(d.id(25, 1))", ["status": "Completed"]),
            ("GET", "/api/v1/products", nil), ("GET", "/api/v1/products/\(d.id(26, 1))", nil),
            ("POST", "/api/v1/products", ["productName": "Widget"]), ("PATCH", "/api/v1/products/\(d.id(26, 1))", ["unitPrice": "59.00"]),
            ("GET", "/api/v1/articles", nil), ("GET", "/api/v1/articles/\(d.id(27, 1))", nil), ("GET", "/api/v1/articles/count", nil),
            ("POST", "/api/v1/articles", ["title": "New", "answer": "<p>a</p>", "categoryId": .string(d.id(28, 1)), "status": "Draft", "locale": "en"]),
            ("PATCH", "/api/v1/articles/\(d.id(27, 1))", ["title": "Resetting a password"]),
            // Deletes and removals.
            ("POST", "/api/v1/users/\(usr)/labels/remove", ["labelIds": [.string(d.id(19, 2))]]),
            ("POST", "/api/v1/users/\(usr)/groups/dissociate", ["groupIds": [.string(d.id(20, 2))]]),
            ("POST", "/api/v1/users/\(usr)/badges/dissociate", ["badgeIds": [.string(d.id(21, 3))]]),
            ("POST", "/api/v1/groups/\(grp)/users/remove", ["userIds": [.string(d.id(18, 12))]]),
            ("POST", "/api/v1/labels/\(lbl)/users/remove", ["userIds": [.string(d.id(18, 12))]]),
            ("DELETE", "/api/v1/groups/\(d.id(20, 3))", nil), ("DELETE", "/api/v1/labels/\(d.id(19, 3))", nil),
            ("POST", "/api/v1/users/\(d.id(18, 11))/anonymize", ["anonymizedName": "Gone"]),
            ("DELETE", "/api/v1/tickets/\(tkt)/comments/\(cmt)", nil),
            ("POST", "/api/v1/tickets/moveToTrash", ["ticketIds": [.string(d.id(22, 4)), .string(d.id(22, 5))]]),
            ("POST", "/api/v1/contacts/moveToTrash", ["contactIds": [.string(d.id(16, 8))]]),
            ("POST", "/api/v1/accounts/moveToTrash", ["accountIds": [.string(d.id(17, 3))]]),
            ("POST", "/api/v1/tasks/moveToTrash", ["entityIds": [.string(d.id(25, 5))]]),
            ("POST", "/api/v1/products/moveToTrash", ["productIds": [.string(d.id(26, 4))]]),
            ("POST", "/api/v1/articles/moveToTrash", ["ids": [.string(d.id(27, 4))]]),
            ("GET", "/api/v1/recycleBin", nil),
            ("POST", "/api/v1/recycleBin/restore", ["ids": [.string(d.id(22, 4))]]),
            ("POST", "/api/v1/recycleBin/delete", ["ids": [.string(d.id(22, 5))]]),
            ("POST", "/api/v1/teams/\(d.id(14, 2))/deleteTeam", ["ticketNewAgent": .string(d.id(13, 2)), "ticketNewTeam": .string(d.id(14, 1)),
                                                                  "taskNewAgent": .string(d.id(13, 2)), "taskNewTeam": .string(d.id(14, 1))]),
            ("POST", "/api/v1/agents/deleteUnconfirmed", ["agentIds": [.string(d.id(13, 6))]]),
            ("POST", "/api/v1/roles/\(d.id(11, 3))/delete", ["transferToRoleId": .string(d.id(11, 2))]),
            ("POST", "/api/v1/profiles/\(d.id(10, 4))/delete", ["transferToProfileId": .string(d.id(10, 2))]),
        ]
        var problems: [String] = []
        var covered = Set<String>()
        for (method, path, body) in calls {
            let r = try await h.call(method, path, body: body)
            let opId = h.sim.requestLog.last?.operationId ?? "?"
            guard (200..<300).contains(r.status) else {
                problems.append("\(opId) \(method) \(path): HTTP \(r.status) \(r.json?.description ?? "")")
                continue
            }
            covered.insert(opId)
            problems += checker.check(operationId: opId, status: r.status, body: r.raw.body).map(\.description)
        }
        try await walkUploads(h, checker: checker, covered: &covered, problems: &problems)
        let missing = Set(HandlerRegistry.all.keys).subtracting(covered)
        XCTAssertEqual(missing, [], "stateful operations the walk does not reach")
        XCTAssertEqual(problems, [], problems.prefix(40).joined(separator: "\n"))
    }

    /// The upload operations with a multipart form each, then the downloads
    /// and attachment lists that show what was uploaded.
    func walkUploads(_ h: SimHarness, checker: ResponseChecker, covered: inout Set<String>, problems: inout [String]) async throws {
        func send(_ req: WireRequest) async throws {
            let r = try await h.sim.transport.send(req)
            let opId = h.sim.requestLog.last?.operationId ?? "?"
            guard (200..<300).contains(r.status) else {
                return problems.append("\(opId) \(req.method) \(req.url): HTTP \(r.status) \(String(decoding: r.body.prefix(200), as: UTF8.self))")
            }
            covered.insert(opId)
            problems += checker.check(operationId: opId, status: r.status, body: r.body).map(\.description)
        }
        var uploaded: [String: (id: String, params: [String: String])] = [:]
        for op in Catalog.shared.operations where op.takesFiles {
            let req = ConformanceWalk().request(op, h.sim, unknownIds: false, token: h.token)
            try await send(req)
            let path = req.url.dropFirst(h.sim.apiURL.count).split(separator: "?").first.map(String.init) ?? ""
            uploaded[op.id] = (h.sim.resource("uploads").last?["id"]?.stringValue ?? "",
                               Catalog.shared.match(method: op.method, path: path)?.pathParameters ?? [:])
        }
        let readers = Uploads.downloads.map { ($0.key, $0.value.upload, $0.value.idParam) } + Uploads.lists.map { ($0.key, $0.value, nil) }
        for (reader, upload, idParam) in readers.sorted(by: { $0.0 < $1.0 }) {
            guard let op = Catalog.shared.operation(id: reader), let source = uploaded[upload] else { continue }
            var params = source.params
            if let idParam { params[idParam] = source.id }
            var path = op.path
            for (name, value) in params { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
            try await send(h.request("GET", path))
        }
    }
}
