import DeskCatalog
import XCTest

final class PathMatchTests: XCTestCase {
    let catalog = Catalog.shared

    func testLiteralBeatsParameter() {
        XCTAssertEqual(catalog.match(method: "GET", path: "/api/v1/tickets/search")?.operation.id, "searchTickets")
        XCTAssertEqual(catalog.match(method: "GET", path: "/api/v1/tickets/123")?.operation.id, "getTicket")
        XCTAssertEqual(catalog.match(method: "GET", path: "/api/v1/profiles/count")?.operation.id, "getProfileCount")
        XCTAssertEqual(catalog.match(method: "POST", path: "/api/v1/tickets/moveToTrash")?.operation.id, "deleteTicket")
    }

    func testPathParametersUseTheTemplatesNames() throws {
        let m = try XCTUnwrap(catalog.match(method: "POST", path: "/api/v1/labels/123/users/remove"))
        XCTAssertEqual(m.operation.id, "removeLabelsFromUsers")
        XCTAssertEqual(m.pathParameters, ["labelId": "123"])
        // Same position, different spelling per operation: {teamId} vs {team_id}.
        XCTAssertEqual(catalog.match(method: "GET", path: "/api/v1/teams/9")?.pathParameters, ["teamId": "9"])
        XCTAssertEqual(catalog.match(method: "PATCH", path: "/api/v1/teams/9")?.pathParameters, ["team_id": "9"])
        let p = try XCTUnwrap(catalog.match(method: "POST", path: "/api/v1/profiles/77/delete"))
        XCTAssertEqual(p.operation.id, "deleteProfile")
        XCTAssertEqual(p.pathParameters, ["profileId": "77"])
    }

    func testMethodIsCaseInsensitiveQueryAndTrailingSlashIgnored() {
        XCTAssertEqual(catalog.match(method: "delete", path: "/api/v1/groups/5/")?.operation.id, "deleteHelpCenterUserGroup")
        XCTAssertEqual(catalog.match(method: "GET", path: "/api/v1/labels?helpCenterId=1&limit=50")?.operation.id, "getLabels")
        XCTAssertEqual(catalog.match(method: "GET", path: "/api/v1/users/a%20b")?.pathParameters, ["userId": "a b"])
    }

    func testBacktracksWhenTheLiteralBranchDeadEnds() {
        // "count" is a literal child of /departments, but /departments/count/agents does not
        // exist, so the {departmentId} branch must be tried.
        XCTAssertEqual(catalog.match(method: "GET", path: "/api/v1/departments/count/agents")?.operation.id,
                       "getAgentsInDepartment")
    }

    func testDeepAndParameterHeavyPaths() {
        let m = catalog.match(method: "DELETE", path: "/api/v1/tickets/1/threads/2/attachments/3")
        XCTAssertEqual(m?.operation.id, "deleteAttachment")
        XCTAssertEqual(m?.pathParameters, ["ticketId": "1", "threadId": "2", "attachmentId": "3"])
    }

    func testOldClientPathsDoNotExist() {
        XCTAssertNil(catalog.match(method: "DELETE", path: "/api/v1/profiles/1"))
        XCTAssertNil(catalog.match(method: "DELETE", path: "/api/v1/helpcenter/1/labels/2/users"))
        XCTAssertTrue(catalog.operations(forPath: "/api/v1/helpcenter/1/labels/2/users").isEmpty)
    }

    func testOperationsForPathSeparates404From405() {
        // DELETE /profiles/{id} is not an operation, but the path is known (GET, PATCH): 405.
        let ops = catalog.operations(forPath: "/api/v1/profiles/1")
        XCTAssertEqual(Set(ops.map(\.method)), ["GET", "PATCH"])
        XCTAssertTrue(catalog.operations(forPath: "/api/v1/nothing/here").isEmpty)
        XCTAssertTrue(catalog.operations(forPath: "/").isEmpty)
        XCTAssertTrue(catalog.operations(forPath: "").isEmpty)
        XCTAssertNil(catalog.match(method: "GET", path: "/api/v1//profiles"))
    }

    func testEveryTemplateMatchesItself() {
        for op in catalog.operations {
            let concrete = op.path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "42", options: .regularExpression)
            let m = catalog.match(method: op.method, path: concrete)
            XCTAssertNotNil(m, "\(op.id) \(op.path)")
            XCTAssertTrue(catalog.operations(forPath: concrete).contains(op), op.id)
        }
    }
}
