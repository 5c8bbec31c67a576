import DeskSim
import JSONValue
import LuaHost
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// A destructive call is denied, and nothing is sent, by whichever Lua route
/// it is made; the same grant allows it on every route.
final class PolicyRouteTests: XCTestCase {
    let label = "1892000000190001"
    let user = "1892000000180001"

    /// Each route removes the same user from the same label.
    var routes: [(String, String)] {
        let hc = "1892000000150001"
        return [
            ("friendly name", "helpcenter.labels.remove_users('\(hc)', '\(label)', {'\(user)'})"),
            ("desk.api", "desk.api.removeLabelsFromUsers{labelId = '\(label)', userIds = {'\(user)'}}"),
            ("alias", "desk.remove_users_under_a_label('\(hc)', '\(label)', {userIds = {'\(user)'}})"),
            ("desk.request", "desk.request('POST', '/api/v1/labels/\(label)/users/remove', {body = {userIds = {'\(user)'}}})"),
            ("pcall", "assert(pcall(helpcenter.labels.remove_users, '\(hc)', '\(label)', {'\(user)'}) == false) error(select(2, pcall(helpcenter.labels.remove_users, '\(hc)', '\(label)', {'\(user)'})))"),
            ("coroutine", "local co = coroutine.wrap(function() return helpcenter.labels.remove_users('\(hc)', '\(label)', {'\(user)'}) end) return co()"),
            ("sort comparator", "table.sort({2, 1}, function(a, b) helpcenter.labels.remove_users('\(hc)', '\(label)', {'\(user)'}) return a < b end)"),
            ("gsub callback", "string.gsub('x', 'x', function() helpcenter.labels.remove_users('\(hc)', '\(label)', {'\(user)'}) end)"),
            ("metamethod", "local t = setmetatable({}, {__index = function() return helpcenter.labels.remove_users('\(hc)', '\(label)', {'\(user)'}) end}) return t.x"),
            ("desk.each worker", "local _, errs = desk.each({1}, function() return helpcenter.labels.remove_users('\(hc)', '\(label)', {'\(user)'}) end) error(errs[1])"),
            ("load", "return load(\"return helpcenter.labels.remove_users('\(hc)', '\(label)', {'\(user)'})\")()"),
        ]
    }

    func testEveryRouteIsDeniedWithoutAGrant() throws {
        for (route, code) in routes {
            let s = try SimSession()
            guard case .runtime(let message, _, let value)? = s.error(code) else { XCTFail(route); continue }
            XCTAssertTrue(message.contains("denied"), "\(route): \(message)")
            XCTAssertTrue(message.contains("--allow"), "\(route): \(message)")
            if case .object(let o) = value { XCTAssertEqual(o["code"], "POLICY_DENIED", route) }
            XCTAssertTrue(s.mutatingRequests.isEmpty, "\(route) sent \(s.mutatingRequests)")
            XCTAssertGreaterThanOrEqual(s.session.gate.deniedCount, 1, route)
        }
    }

    func testEveryRouteIsAllowedWithTheGrant() throws {
        for (route, code) in routes where route != "pcall" {
            let s = try SimSession(allow: ["helpcenter.labels.remove_users", "desk.request"])
            _ = s.run(code)
            XCTAssertEqual(s.mutatingRequests.count, 1, route)
            let users = s.sim.resource("labelUsers")
            _ = users
        }
    }

    func testDenialNamesOperationIdsAndFlag() throws {
        let s = try SimSession()
        guard case .runtime(let m, _, _)? = s.error("helpcenter.labels.delete('1892000000150001', '\(label)')") else { return XCTFail() }
        XCTAssertTrue(m.contains("helpcenter.labels.delete"), m)
        XCTAssertTrue(m.contains(label), m)
        XCTAssertTrue(m.contains("--allow helpcenter.labels.delete"), m)
    }

    func testPatternsMatchAnyNameOfTheOperation() throws {
        for grant in ["helpcenter.labels.*", "removeLabelsFromUsers", "desk.api.removeLabelsFromUsers", "*"] {
            let s = try SimSession(allow: [grant])
            XCTAssertNotNil(s.value("return helpcenter.labels.remove_users('1892000000150001', '\(label)', {'\(user)'})"), grant)
            XCTAssertEqual(s.mutatingRequests.count, 1, grant)
        }
        let s = try SimSession(allow: ["helpcenter.groups.*"])
        XCTAssertNotNil(s.error("helpcenter.labels.remove_users('1892000000150001', '\(label)', {'\(user)'})"))
    }

    func testDeclaredIntersectGranted() throws {
        let s = try SimSession(allow: ["helpcenter.labels.*"])
        let declared = [try Policy.Pattern("helpcenter.labels.remove_users")]
        s.session.gate.adjust { policy, _ in policy.declared = declared }
        XCTAssertNotNil(s.value("return helpcenter.labels.remove_users('1892000000150001', '\(label)', {'\(user)'})"))
        guard case .runtime(let m, _, _)? = s.error("helpcenter.labels.delete('1892000000150001', '\(label)')") else { return XCTFail() }
        XCTAssertTrue(m.contains("does not declare"), m)
        XCTAssertEqual(s.mutatingRequests.count, 1)
    }

    func testReadsAndWritesAreNotBlocked() throws {
        let s = try SimSession()
        XCTAssertNotNil(s.value("return desk.profiles.list()"))
        XCTAssertEqual(s.value("return desk.tickets.update('1892000000220001', {priority = 'High'}).priority"), "High")
    }

    func testUnknownRawPathIsDestructiveUnlessGet() throws {
        let s = try SimSession()
        guard case .runtime(let m, _, _)? = s.error("desk.request('POST', '/api/v1/nothing/here', {})") else { return XCTFail() }
        XCTAssertTrue(m.contains("is not a Zoho Desk v1 operation"), m)
        XCTAssertTrue(m.contains("--allow 'POST /api/v1/nothing/here'"), m)
        XCTAssertTrue(s.mutatingRequests.isEmpty)
    }

    func testCapsStopTheRunBeforeTheCall() throws {
        var settings = CallGate.Settings()
        settings.maxDestructive = 2
        let s = try SimSession(allow: ["*"], settings: settings)
        let code = """
            local ok = pcall(function()
              for _, u in ipairs({'1892000000180001', '1892000000180002', '1892000000180003'}) do
                helpcenter.labels.remove_users('1892000000150001', '\(label)', {u})
              end
            end)
            return 'survived'
            """
        guard case .limit(.host, let m)? = s.error(code) else { return XCTFail() }
        XCTAssertTrue(m.contains("--max-destructive"), m)
        XCTAssertEqual(s.mutatingRequests.count, 2)

        var calls = CallGate.Settings()
        calls.maxCalls = 3
        let t = try SimSession(settings: calls)
        guard case .limit(.host, let m2)? = t.error("for i = 1, 10 do desk.profiles.list() end") else { return XCTFail() }
        XCTAssertTrue(m2.contains("--max-calls"), m2)
        XCTAssertEqual(t.sim.requestLog.count, 3)
    }

    func testDryRunSendsNothingMutating() throws {
        var settings = CallGate.Settings()
        settings.dryRun = true
        let s = try SimSession(allow: ["*"], settings: settings)
        let r = try s.runbook(examples + "/retire_label.lua", ["label": .string(label), "concurrency": 4])
        guard case .success = r else { return XCTFail("\(r)") }
        XCTAssertTrue(s.mutatingRequests.isEmpty, "\(s.mutatingRequests)")
        XCTAssertGreaterThan(s.sim.requestLog.count, 0, "reads still run")
        let planned = s.session.gate.calls.filter { $0.outcome == .planned }
        XCTAssertEqual(planned.filter { $0.operationId == "deleteLabel" }.count, 1)
        XCTAssertEqual(planned.filter { $0.operationId == "removeLabelsFromUsers" }.count, 4)
        XCTAssertEqual(s.value("return helpcenter.labels.delete('1892000000150001', '\(label)').dry_run"), true)
    }

    func testConfirmationRefusalDeniesAndSendsNothing() throws {
        var settings = CallGate.Settings()
        settings.confirm = { _ in false }
        let s = try SimSession(allow: ["*"], settings: settings)
        guard case .runtime(let m, _, _)? = s.error("helpcenter.labels.delete('1892000000150001', '\(label)')") else { return XCTFail() }
        XCTAssertTrue(m.contains("declined"), m)
        XCTAssertTrue(s.mutatingRequests.isEmpty)
    }
}
