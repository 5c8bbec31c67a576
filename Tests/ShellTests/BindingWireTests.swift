import DeskCore
import DeskSim
import Foundation
import JSONValue
import LuaHost
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// Each required friendly name and each alias of the earlier client sends the
/// exact method, path and body Zoho documents (zoho-desk-api.md §5.1).
final class BindingWireTests: XCTestCase {
    /// Records what goes on the wire, then lets the simulator answer.
    final class Tap: Transport, @unchecked Sendable {
        let inner: Transport
        var requests: [WireRequest] = []
        let lock = NSLock()
        init(_ inner: Transport) { self.inner = inner }
        func send(_ request: WireRequest) async throws -> WireResponse {
            lock.withLock { requests.append(request) }
            return try await inner.send(request)
        }
        var mutating: [WireRequest] { lock.lock(); defer { lock.unlock() }; return requests.filter { $0.method != "GET" } }
    }

    func session() throws -> (Session, Tap) {
        let sim = Simulator()
        let base = Backend.simulator(sim, options: .fast())
        let tap = Tap(base.client.transport)
        let client = DeskClient(connection: base.client.connection, transport: tap, options: base.client.options)
        let s = try Session(client: client, policy: Policy(grants: [try Policy.Pattern("*")]), limits: Limits(timeout: 20), output: { _ in })
        return (s, tap)
    }

    func check(_ code: String, _ method: String, _ path: String, _ body: JSON?, file: StaticString = #filePath, line: UInt = #line) throws {
        let (s, tap) = try session()
        if case .failure(let e) = s.run(code, name: "=wire") { XCTFail("\(code): \(e)", file: file, line: line); return }
        guard let r = tap.mutating.last ?? tap.requests.last else { return XCTFail("nothing sent", file: file, line: line) }
        XCTAssertEqual(r.method, method, code, file: file, line: line)
        XCTAssertEqual(URL(string: r.url)?.path, path, code, file: file, line: line)
        if let body {
            XCTAssertEqual(try r.body.map { try JSON.parse($0) }, body, code, file: file, line: line)
        }
        if !path.hasPrefix("/api/v1/organizations") { XCTAssertNotNil(r.header("orgId"), file: file, line: line) }
        XCTAssertTrue(r.header("Authorization")?.hasPrefix("Zoho-oauthtoken ") ?? false, file: file, line: line)
    }

    let hc = "1892000000150001", label = "1892000000190001", group = "1892000000200001"
    let user = "1892000000180001", badge = "1892000000210001"
    let contractors = "1892000000100004", support = "1892000000100002"

    func testRequiredFriendlyNames() throws {
        try check("desk.profiles.delete('\(contractors)', {transfer_to = '\(support)'})", "POST", "/api/v1/profiles/\(contractors)/delete", ["transferToProfileId": .string(support)])
        try check("desk.profiles.get('\(support)')", "GET", "/api/v1/profiles/\(support)", nil)
        try check("desk.profiles.list{}", "GET", "/api/v1/profiles", nil)
        try check("desk.organizations.list()", "GET", "/api/v1/organizations", nil)
        try check("helpcenter.labels.remove_users('\(hc)', '\(label)', {'\(user)'})", "POST", "/api/v1/labels/\(label)/users/remove", ["userIds": [.string(user)]])
        try check("helpcenter.groups.remove_users('\(hc)', '\(group)', {'\(user)'})", "POST", "/api/v1/groups/\(group)/users/remove", ["userIds": [.string(user)]])
        try check("helpcenter.users.remove_from_groups('\(hc)', '\(user)', {'\(group)'})", "POST", "/api/v1/users/\(user)/groups/dissociate", ["groupIds": [.string(group)]])
        try check("helpcenter.users.remove_labels('\(hc)', '\(user)', {'\(label)'})", "POST", "/api/v1/users/\(user)/labels/remove", ["labelIds": [.string(label)]])
        try check("helpcenter.users.remove_badges('\(hc)', '\(user)', {'\(badge)'})", "POST", "/api/v1/users/\(user)/badges/dissociate", ["badgeIds": [.string(badge)]])
        try check("helpcenter.groups.delete('\(hc)', '\(group)')", "DELETE", "/api/v1/groups/\(group)", nil)
        try check("helpcenter.labels.delete('\(hc)', '\(label)')", "DELETE", "/api/v1/labels/\(label)", nil)
    }

    func testAliasesCallTheRealEndpoints() throws {
        try check("desk.delete_profile('\(contractors)', {transferToProfileId = '\(support)'})", "POST", "/api/v1/profiles/\(contractors)/delete", ["transferToProfileId": .string(support)])
        try check("desk.remove_users_from_group('\(hc)', '\(group)', {userIds = {'\(user)'}})", "POST", "/api/v1/groups/\(group)/users/remove", ["userIds": [.string(user)]])
        try check("desk.remove_user_from_groups('\(hc)', '\(user)', {groupIds = {'\(group)'}})", "POST", "/api/v1/users/\(user)/groups/dissociate", ["groupIds": [.string(group)]])
        try check("desk.remove_labels_from_user('\(hc)', '\(user)', {labelIds = {'\(label)'}})", "POST", "/api/v1/users/\(user)/labels/remove", ["labelIds": [.string(label)]])
        try check("desk.remove_users_under_a_label('\(hc)', '\(label)', {userIds = {'\(user)'}})", "POST", "/api/v1/labels/\(label)/users/remove", ["userIds": [.string(user)]])
        try check("desk.remove_badges_from_user('\(hc)', '\(user)', {badgeIds = {'\(badge)'}})", "POST", "/api/v1/users/\(user)/badges/dissociate", ["badgeIds": [.string(badge)]])
        try check("desk.get_all_organizations()", "GET", "/api/v1/organizations", nil)
    }

    func testUnsupportedAliasSaysWhatToDoInstead() throws {
        let (s, tap) = try session()
        guard case .failure(.runtime(let m, _, _)) = s.run("desk.delete_labels('\(hc)', {labelIds = {'\(label)'}})", name: "=wire") else { return XCTFail() }
        XCTAssertTrue(m.contains("helpcenter.labels.delete(hc, label)"), m)
        XCTAssertTrue(tap.requests.isEmpty)
    }

    func testEveryOperationIsReachableThroughDeskApi() throws {
        let (s, _) = try session()
        guard case .success(let v) = s.run("""
            local n, missing = 0, {}
            for _, id in ipairs(...) do
              if type(desk.api[id]) == 'function' then n = n + 1 else missing[#missing + 1] = id end
            end
            return n
            """, name: "=wire", arguments: [.array(DeskCatalog_allIds().map(JSON.string))]), case .json(let n)? = v.first else { return XCTFail() }
        XCTAssertEqual(n, 706)
    }
}

import DeskCatalog
func DeskCatalog_allIds() -> [String] { Catalog.shared.operations.map(\.id) }
