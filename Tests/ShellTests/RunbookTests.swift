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

final class RunbookTests: XCTestCase {
    func testExamplesDescribeThemselves() throws {
        for name in ["offboard_user", "retire_profile", "retire_label", "close_stale_tickets"] {
            let spec = try RunbookInspector.spec(file: "\(examples)/\(name).lua")
            XCTAssertFalse(spec.name.isEmpty)
            XCTAssertTrue(spec.describe(file: name).contains("Parameters:"))
        }
        let spec = try RunbookInspector.spec(file: "\(examples)/retire_label.lua")
        XCTAssertEqual(spec.destructive, ["helpcenter.labels.remove_users", "helpcenter.labels.delete"])
    }

    func testParametersAreCheckedAndConverted() throws {
        let spec = try RunbookInspector.spec(file: "\(examples)/retire_label.lua")
        XCTAssertEqual(try spec.convert(["label": "42", "concurrency": "3"]), ["label": "42", "concurrency": 3])
        XCTAssertEqual(try spec.convert(["label": "42"])["concurrency"], 10)
        XCTAssertThrowsError(try spec.convert([:])) { XCTAssertTrue("\($0)".contains("missing parameter 'label'")) }
        XCTAssertThrowsError(try spec.convert(["label": "x1"])) { XCTAssertTrue("\($0)".contains("an id")) }
        XCTAssertThrowsError(try spec.convert(["label": "1", "concurrency": "many"])) { XCTAssertTrue("\($0)".contains("an integer")) }
        XCTAssertThrowsError(try spec.convert(["label": "1", "colour": "red"])) { XCTAssertTrue("\($0)".contains("unknown parameter 'colour'")) }
    }

    func testRetireLabelEndToEnd() throws {
        let s = try SimSession(allow: ["helpcenter.labels.*"])
        let r = try s.runbook(examples + "/retire_label.lua", ["label": "1892000000190001", "concurrency": 4])
        guard case .success(let v) = r, case .json(let j)? = v.first else { return XCTFail("\(r)") }
        XCTAssertEqual(j["users_removed"], 4)
        XCTAssertFalse(s.sim.resource("labels").contains { $0["id"] == "1892000000190001" })
    }

    func testRetireProfileMovesAgents() throws {
        let s = try SimSession(allow: ["desk.profiles.delete"])
        let r = try s.runbook(examples + "/retire_profile.lua", ["profile": "1892000000100004", "transfer_to": "1892000000100002"])
        guard case .success = r else { return XCTFail("\(r)") }
        XCTAssertFalse(s.sim.resource("profiles").contains { $0["id"] == "1892000000100004" })
        XCTAssertFalse(s.sim.resource("agents").contains { $0["profileId"] == "1892000000100004" })
    }

    func testOffboardUserClearsMemberships() throws {
        let s = try SimSession(allow: ["helpcenter.users.*"])
        let user = "1892000000180001"
        let r = try s.runbook(examples + "/offboard_user.lua", ["user": .string(user)])
        guard case .success = r else { return XCTFail("\(r)") }
        XCTAssertEqual(s.value("return #helpcenter.users.list_groups(nil, '\(user)') + #helpcenter.users.list_labels(nil, '\(user)') + #helpcenter.users.list_badges(nil, '\(user)')"), 0)
    }

    func testAuditRecordsBeforeAndAfterEachMutatingCall() throws {
        var settings = CallGate.Settings()
        settings.auditContext = ["run_id": "r1", "profile": "sim"]
        let s = try SimSession(allow: ["helpcenter.labels.*"], settings: settings)
        _ = try s.runbook(examples + "/retire_label.lua", ["label": "1892000000190001", "concurrency": 1])
        let records = s.auditRecords
        let intents = records.filter { $0["phase"] == "intent" }
        let outcomes = records.filter { $0["phase"] == "outcome" }
        XCTAssertEqual(intents.count, 5)
        XCTAssertEqual(outcomes.count, 5)
        XCTAssertEqual(records.first?["phase"], "intent", "intent is written before the outcome")
        for r in records {
            XCTAssertEqual(r["run_id"], "r1")
            XCTAssertNotNil(r["time"]); XCTAssertNotNil(r["operation"]); XCTAssertNotNil(r["ids"])
        }
        XCTAssertTrue(outcomes.allSatisfy { $0["status"] == 204 || $0["status"] == 200 })
        // Reads are not audited.
        XCTAssertFalse(records.contains { $0["safety"] == "read" })
    }

    func testResumeSkipsCompletedCalls() throws {
        let sim = Simulator()
        let journalPath = NSTemporaryDirectory() + "zdsh-journal-\(UUID().uuidString).sqlite"
        // First run: the third removal fails (POST is not retried) and the run stops.
        sim.fail(op: "removeLabelsFromUsers", status: 500, times: 1)
        let first = try SimSession(allow: ["helpcenter.labels.*"], simulator: sim,
                                   journal: try Journal(path: journalPath, runId: "run-1", resuming: false))
        // Let two removals succeed before the fault fires.
        sim.clearFaults()
        _ = first.value("helpcenter.labels.remove_users(nil, '1892000000190001', {'1892000000180001'}) helpcenter.labels.remove_users(nil, '1892000000190001', {'1892000000180002'}) return true")
        sim.fail(op: "removeLabelsFromUsers", status: 500, times: 1)
        XCTAssertNotNil(first.error("helpcenter.labels.remove_users(nil, '1892000000190001', {'1892000000180003'})"))
        let sentBefore = sim.requestLog.filter { $0.operationId == "removeLabelsFromUsers" && $0.status < 300 }.count
        XCTAssertEqual(sentBefore, 2)

        // Resume: the same calls again; the two completed ones are skipped.
        let second = try SimSession(allow: ["helpcenter.labels.*"], simulator: sim,
                                    journal: try Journal(path: journalPath, runId: "run-1", resuming: true))
        _ = second.value("""
            for _, u in ipairs({'1892000000180001', '1892000000180002', '1892000000180003', '1892000000180004'}) do
              helpcenter.labels.remove_users(nil, '1892000000190001', {u})
            end
            return true
            """)
        let removals = sim.requestLog.filter { $0.operationId == "removeLabelsFromUsers" && $0.status < 300 }
        XCTAssertEqual(removals.count, 4, "each user removed exactly once across both runs")
        XCTAssertEqual(try Journal(path: journalPath, runId: "x", resuming: false).integrityCheck(), "ok")
    }

    func testAPIErrorsAreStructured() throws {
        let s = try SimSession()
        XCTAssertEqual(s.value("local ok, e = pcall(desk.profiles.get, '999999') return {e.status, e.code, type(e.message), e.operation}"),
                       [404, "URL_NOT_FOUND", "string", "getProfile"])
        XCTAssertEqual(s.value("local ok, e = pcall(desk.profiles.get, '999999') return tostring(e):find('URL_NOT_FOUND') ~= nil"), true)
    }

    func testValidationErrorsNameBindingArgumentAndExpectation() throws {
        let s = try SimSession(allow: ["*"])
        let cases: [(String, String)] = [
            ("desk.profiles.get()", "bad argument #1 'profileId' to 'desk.profiles.get' (an id expected, got no value)"),
            ("desk.profiles.get('12a')", "bad argument #1 'profileId' to 'desk.profiles.get' (an id (digit string) expected"),
            ("desk.profiles.delete('1', {transfer_to = {}})", "'transferToProfileId'"),
            ("helpcenter.labels.remove_users(nil, '1', 'notalist')", "'userIds' to 'helpcenter.labels.remove_users' (array expected, got string)"),
            ("helpcenter.labels.remove_users(nil, '1', {{}})", "'userIds/0' to 'helpcenter.labels.remove_users' (an id (digit string) expected, got object)"),
            ("desk.api.getTickets{limit = 'ten'}", "'limit' to 'desk.api.getTickets'"),
            ("desk.api.getTickets{sortBy = 'bogus'}", "'sortBy'"),
            ("desk.api.getTickets{sortBy = '-bogus'}", "'sortBy'"),
            ("desk.api.getProfile{}", "'profileId' to 'desk.api.getProfile'"),
            ("desk.profiles.get(1, 2, 3)", "at most 1 argument"),
            ("desk.profiles.list{x = 0/0}", "NaN"),
        ]
        for (code, expected) in cases {
            guard case .runtime(let m, _, _)? = s.error(code) else { XCTFail(code); continue }
            XCTAssertTrue(m.contains(expected), "\(code): \(m)")
        }
        XCTAssertTrue(s.sim.requestLog.isEmpty, "nothing was sent: \(s.sim.requestLog)")
    }

    /// `sortBy = "-createdTime"` sorts descending, as Zoho documents; the
    /// spec's enum names only the fields, so the "-" must not be refused.
    func testSortByTakesADescendingPrefix() throws {
        let s = try SimSession()
        let code = "local t = desk.tickets.list{sortBy = '%@', limit = 50} local o = {} for i, r in ipairs(t) do o[i] = r.createdTime end return o"
        let ascending = try XCTUnwrap(s.value(code.replacingOccurrences(of: "%@", with: "createdTime"))?.arrayValue)
        let descending = try XCTUnwrap(s.value(code.replacingOccurrences(of: "%@", with: "-createdTime"))?.arrayValue)
        XCTAssertGreaterThan(ascending.count, 1)
        XCTAssertEqual(descending, ascending.reversed(), "-createdTime is createdTime, newest first")
    }

    func testLongIdListsAreSplit() throws {
        let sim = Simulator(fixture: Fixture.bulk(labelUsers: 120))
        let s = try SimSession(allow: ["*"], simulator: sim)
        let op = try XCTUnwrap(DeskCatalog_op("removeLabelsFromUsers"))
        let max = op.body?.schema.properties?["userIds"]?.maxItems
        guard let max, max < 120 else { throw XCTSkip("userIds has no small maxItems (\(String(describing: max)))") }
        _ = s.value("local ids = {} for u in helpcenter.labels.each_users(nil, '\(sim.resource("labels")[0]["id"]?.stringValue ?? "")') do ids[#ids+1] = u.id end return helpcenter.labels.remove_users(nil, '\(sim.resource("labels")[0]["id"]?.stringValue ?? "")', ids)")
        XCTAssertEqual(s.mutatingRequests.count, (120 + max - 1) / max)
    }

    func testPaginationStreamsEveryPage() throws {
        let sim = Simulator(fixture: Fixture.bulk(labelUsers: 10, tickets: 250))
        let s = try SimSession(simulator: sim)
        let total = JSON.int(Int64(sim.resource("tickets").count))
        XCTAssertGreaterThanOrEqual(sim.resource("tickets").count, 250)
        XCTAssertEqual(s.value("local n = 0 for t in desk.tickets.each{} do n = n + 1 end return n"), total)
        XCTAssertEqual(s.value("return #desk.tickets.all{}"), total)
    }
}

import DeskCatalog
func DeskCatalog_op(_ id: String) -> DeskCatalog.Operation? { Catalog.shared.operation(id: id) }

/// Splitting long id lists, on a synthetic operation whose body caps the list.
final class IdListSplitTests: XCTestCase {
    func testIdListsLongerThanMaxItemsBecomeSeveralRequests() throws {
        let ids = Schema(types: ["string"], format: "int64")
        let body = Body(contentType: "application/json", required: true,
                        schema: Schema(types: ["object"], properties: ["userIds": Schema(types: ["array"], items: ids, maxItems: 50)],
                                       requiredProperties: ["userIds"]))
        let op = DeskCatalog.Operation(id: "removeThings", group: "T", method: "POST", path: "/api/v1/things/{thingId}/remove",
                                       parameters: [Parameter(name: "thingId", location: .path, required: true, schema: ids)],
                                       body: body, scopes: [], successCodes: [204], envelope: .empty, maxPageSize: nil, safety: .destructive)
        let users = (1...120).map { JSON.string(String(1000 + $0)) }
        let parts = try ArgumentBinder.bind(operation: op, table: ["thingId": "7", "userIds": .array(users)])
        XCTAssertEqual(parts.count, 3)
        XCTAssertEqual(parts.map { $0.body?["userIds"]?.arrayValue?.count }, [50, 50, 20])
        XCTAssertEqual(parts.flatMap { $0.body?["userIds"]?.arrayValue ?? [] }, users, "every id once, in order")
        XCTAssertTrue(parts.allSatisfy { $0.path == ["thingId": "7"] })
        // Mass-action results of the parts are merged into one list.
        let merged = CallGate.luaValue([.json(["results": [["id": "1", "success": true]]]), .json(["results": [["id": "2", "success": true]]])],
                                       envelope: .results)
        XCTAssertEqual(merged["results"]?.arrayValue?.count, 2)
    }
}
