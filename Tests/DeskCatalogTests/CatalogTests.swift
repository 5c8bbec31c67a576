import DeskCatalog
import TestSupport
import XCTest

final class CatalogTests: XCTestCase {
    func testHasEveryOperationOnceSortedById() {
        let ops = Catalog.shared.operations
        XCTAssertEqual(ops.count, 706)
        XCTAssertEqual(Set(ops.map(\.id)).count, 706, "operation ids must be unique")
        XCTAssertEqual(ops.map(\.id), ops.map(\.id).sorted())
        for op in ops {
            XCTAssertEqual(Catalog.shared.operation(id: op.id)?.path, op.path)
        }
        XCTAssertNil(Catalog.shared.operation(id: "noSuchOperation"))
    }

    func testOrgIdIsNotAParameter() {
        for op in Catalog.shared.operations {
            XCTAssertFalse(op.parameters.contains { $0.name == "orgId" }, op.id)
        }
    }

    func testMethodCountsMatchTheSpec() {
        var counts: [String: Int] = [:]
        for op in Catalog.shared.operations { counts[op.method, default: 0] += 1 }
        XCTAssertEqual(counts, ["GET": 345, "POST": 252, "PATCH": 59, "DELETE": 35, "PUT": 15])
    }

    func testSafetyCountsAddUp() {
        let counts = Catalog.shared.safetyCounts
        XCTAssertEqual(counts.values.reduce(0, +), 706)
        XCTAssertEqual(counts[.read], 345, "read is exactly the GET operations")
    }

    func testLoadsLazilyAndQuickly() {
        let catalog = Catalog(json: Catalog.embeddedJSON)
        XCTAssertFalse(catalog.isLoaded)
        XCTAssertNil(catalog.loadDuration)
        let (count, cpu) = CPUTime.ofProcess { catalog.operations.count }
        XCTAssertEqual(count, 706)
        XCTAssertTrue(catalog.isLoaded)
        let seconds = try! XCTUnwrap(catalog.loadDuration)
        print("DeskCatalog: parse + decode + index took \(Int(seconds * 1000)) ms (\(Int(cpu * 1000)) ms of CPU)")
        // Generous bound for debug builds on a slow CI core; release is far
        // faster. In CPU seconds: a loaded machine cannot inflate them.
        XCTAssertLessThan(cpu, 2.0)
    }

    func testFactsOfDeleteProfile() throws {
        let op = try XCTUnwrap(Catalog.shared.operation(id: "deleteProfile"))
        XCTAssertEqual(op.method, "POST")
        XCTAssertEqual(op.path, "/api/v1/profiles/{profileId}/delete")
        XCTAssertEqual(op.group, "Profile")
        XCTAssertEqual(op.parameters.map(\.name), ["profileId"])
        XCTAssertEqual(op.parameters.first?.location, .path)
        XCTAssertEqual(op.body?.contentType, "application/json")
        XCTAssertEqual(op.body?.schema.requiredProperties, ["transferToProfileId"])
        XCTAssertEqual(Set(op.scopes), ["Desk.settings.DELETE", "Desk.basic.DELETE"])
        XCTAssertEqual(op.successCodes, [204])
        XCTAssertEqual(op.envelope, .empty)
        XCTAssertEqual(op.safety, .destructive)
    }

    func testEnvelopes() {
        func env(_ id: String) -> Envelope? { Catalog.shared.operation(id: id)?.envelope }
        XCTAssertEqual(env("getProfileList"), .list(key: "data"))
        XCTAssertEqual(env("getTeams"), .list(key: "teams"))
        XCTAssertEqual(env("getTeamMembersDetails"), .list(key: "members"))
        XCTAssertEqual(env("getAgentsByProfile"), .list(key: "agents"))
        XCTAssertEqual(env("getAgentsByRole"), .list(key: "associatedAgents"))
        XCTAssertEqual(env("getBadges"), .bareArray)
        XCTAssertEqual(env("getTemplates"), .bareArray)
        XCTAssertEqual(env("deleteGroupsFromUsers"), .results)
        XCTAssertEqual(env("removeLabelsFromUser"), .results)
        XCTAssertEqual(env("removeLabelsFromUsers"), .empty)
        XCTAssertEqual(env("getProfileCount"), .object)
        XCTAssertEqual(env("getTicket"), .object)
        XCTAssertEqual(env("getOrganizationLogo"), .binary)
    }

    func testMaxPageSizes() {
        func max(_ id: String) -> Int? { Catalog.shared.operation(id: id)?.maxPageSize }
        XCTAssertEqual(max("getAgents"), 200)
        XCTAssertEqual(max("getRoles"), 500)
        XCTAssertEqual(max("getContacts"), 99)
        XCTAssertEqual(max("getUsers"), 50)
        XCTAssertEqual(max("getHelpCenterGroupList"), 50)
        XCTAssertEqual(max("getLabels"), 50)
        XCTAssertEqual(max("getBadges"), 100)
        XCTAssertNil(max("getTicket"))
    }

    func testSchemaFacts() throws {
        let op = try XCTUnwrap(Catalog.shared.operation(id: "deleteHCGroupUsers"))
        let userIds = try XCTUnwrap(op.body?.schema.properties?["userIds"])
        XCTAssertTrue(userIds.types.contains("array"))
        XCTAssertEqual(userIds.items?.format, "int64")
        XCTAssertFalse(op.body!.schema.additionalProperties)
        let agents = try XCTUnwrap(Catalog.shared.operation(id: "getAgents"))
        let limit = try XCTUnwrap(agents.parameters.first { $0.name == "limit" })
        XCTAssertEqual(limit.location, .query)
        XCTAssertEqual(limit.schema.maximum, 200)
    }

    func testGeneratedScopeListIsTheOperationsScopes() {
        XCTAssertEqual(Catalog.shared.scopes, Array(Set(Catalog.shared.operations.flatMap(\.scopes))).sorted())
        XCTAssertEqual(Catalog(json: Catalog.embeddedJSON).scopes, Catalog.shared.scopes)
    }

    func testOperationsWithoutSecurityDoNotRequireAuth() {
        let open = Catalog.shared.operations.filter { !$0.requiresAuth }
        XCTAssertFalse(open.isEmpty)
        XCTAssertTrue(open.allSatisfy { $0.scopes.isEmpty })
        XCTAssertEqual(Catalog.shared.operation(id: "getOrganizationLogo")?.requiresAuth, false)
        // No security block at all is a spec gap, not an open endpoint.
        XCTAssertEqual(Catalog.shared.operation(id: "deleteAttachment")?.requiresAuth, true)
        XCTAssertEqual(Catalog.shared.operation(id: "getProfile")?.requiresAuth, true)
    }
}
