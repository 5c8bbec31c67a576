@testable import DeskCore
import Foundation
import JSONValue
import XCTest

final class OrgDiscoveryTests: XCTestCase {
    private func zoho(orgs: JSON) -> FakeZoho {
        FakeZoho(desk: { request in
            if request.path == "/api/v1/organizations" {
                XCTAssertNil(request.header("orgId"))
                return .json(orgs)
            }
            return .json(["orgSeen": .string(request.header("orgId") ?? "")])
        })
    }

    func testDataEnvelopeWithStringIsDefault() async throws {
        let zoho = zoho(orgs: ["data": [["id": "111", "isDefault": "false"], ["id": "222", "isDefault": "true"]]])
        let store = InMemoryTokenStore([Fixtures.connection(orgId: nil)])
        let client = Fixtures.client(zoho, connection: Fixtures.connection(orgId: nil), store: store)
        let r = try await client.call(Fixtures.op())
        XCTAssertEqual(r.json?["orgSeen"], "222")
        XCTAssertEqual(client.connection.orgId, "222")
        let stored = await store.load(profile: "default")
        XCTAssertEqual(stored?.orgId, "222", "discovered org is persisted")
        _ = try await client.call(Fixtures.op())
        XCTAssertEqual(zoho.transport.deskRequests.filter { $0.path == "/api/v1/organizations" }.count, 1)
    }

    func testBareListWithBooleanIsDefault() async throws {
        let zoho = zoho(orgs: [["id": "111", "isDefault": false], ["id": "333", "isDefault": true]])
        let client = Fixtures.client(zoho, connection: Fixtures.connection(orgId: nil))
        let r = try await client.call(Fixtures.op())
        XCTAssertEqual(r.json?["orgSeen"], "333")
    }

    func testSingleOrgIsTakenEvenWithoutDefaultFlag() async throws {
        let zoho = zoho(orgs: ["data": [["id": "444"]]])
        let client = Fixtures.client(zoho, connection: Fixtures.connection(orgId: nil))
        let r = try await client.call(Fixtures.op())
        XCTAssertEqual(r.json?["orgSeen"], "444")
    }

    func testSeveralOrgsWithoutDefaultListsThemAndHowToChoose() async throws {
        let zoho = zoho(orgs: ["data": [["id": "111", "companyName": "Acme", "isDefault": "false"],
                                        ["id": "222", "companyName": "Beta", "isDefault": "false"]]])
        let client = Fixtures.client(zoho, connection: Fixtures.connection(orgId: nil))
        await XCTAssertThrowsDeskError(try await client.call(Fixtures.op())) { error in
            XCTAssertEqual(error.kind, .organization)
            XCTAssertTrue(error.message.contains("111") && error.message.contains("Beta"))
            XCTAssertTrue(error.hint?.contains("--org") == true)
        }
    }

    func testConcurrentCallsDiscoverOnce() async throws {
        let zoho = zoho(orgs: ["data": [["id": "555", "isDefault": "true"]]])
        let client = Fixtures.client(zoho, connection: Fixtures.connection(orgId: nil))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 { group.addTask { _ = try await client.call(Fixtures.op()) } }
            try await group.waitForAll()
        }
        XCTAssertEqual(zoho.transport.deskRequests.filter { $0.path == "/api/v1/organizations" }.count, 1)
    }

    func testPortalAndHelpCenterDiscovery() async throws {
        let zoho = FakeZoho(desk: { request in
            switch request.path {
            case "/api/v1/organizations":
                return .json(["data": [["id": "60001234", "portalName": "acmehelp", "isDefault": true]]])
            case "/api/v1/helpCenters":
                XCTAssertEqual(request.header("orgId"), "60001234")
                return .json(["data": [["id": "7001", "name": "Main", "isDefault": "true"], ["id": "7002", "isDefault": "false"]]])
            default: return .noContent
            }
        })
        let store = InMemoryTokenStore([Fixtures.connection()])
        let client = Fixtures.client(zoho, store: store)
        let resolver = OrgResolver(client: client)
        let portal = try await resolver.portal()
        XCTAssertEqual(portal, "acmehelp")
        let helpCenter = try await resolver.defaultHelpCenter()
        XCTAssertEqual(helpCenter, "7001")
        let stored = await store.load(profile: "default")
        XCTAssertEqual(stored?.portal, "acmehelp")
        XCTAssertEqual(stored?.helpCenterId, "7001")
    }
}
