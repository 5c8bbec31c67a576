import DeskCatalog
import JSONValue
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// How PlanRenderer shows what a write changes once the dry run read the
/// record: before → after, unchanged fields left out, after-only where no
/// current value is known, and hostile values escaped.
final class PlanChangeLinesTests: XCTestCase {
    func update(_ n: Int, _ body: JSON, before: [String: JSON]?, names: [String: String]? = nil) -> CallRecord {
        var c = CallRecord(sequence: n, operationId: "updateTicket", calledAs: "desk.tickets.update", method: "PATCH",
                           path: "/api/v1/tickets/\(n)", query: [:], body: body, ids: ["\(n)"], safety: .write,
                           outcome: .planned, status: nil, errorCode: nil, message: nil, durationMs: nil)
        c.before = before
        c.beforeNames = names
        return c
    }

    func testBeforeAndAfterWithTheNameUnchangedFieldsOmitted() {
        let c = update(1, ["assigneeId": "2", "subject": "New", "priority": "High"],
                       before: ["assigneeId": "1", "subject": "Old", "priority": "High"], names: ["assigneeId": "Carla"])
        XCTAssertEqual(PlanRenderer(calls: [c]).changeLines([c]), [
            #"      ~ assigneeId: "1" (Carla) → "2""#,
            #"      ~ subject: "Old" → "New""#,
        ])
    }

    func testAnIdGivenAsANumberIsTheSameIdAsAString() {
        let c = update(1, ["assigneeId": .int(7)], before: ["assigneeId": "7"])
        XCTAssertEqual(PlanRenderer(calls: [c]).changeLines([c]), ["      (no change)"])
    }

    func testAfterOnlyWhereAnyCallHasNoCurrentValue() {
        let read = update(1, ["subject": "New"], before: ["subject": "Old"])
        let unread = update(2, ["subject": "New"], before: nil)
        XCTAssertEqual(PlanRenderer(calls: [read, unread]).changeLines([read, unread]), [#"      ~ subject → "New""#])
        let other = update(3, ["subject": "New"], before: ["subject": "Older"])
        XCTAssertEqual(PlanRenderer(calls: [read, other]).changeLines([read, other]),
                       [#"      ~ subject: 2 different values → "New""#])
    }

    /// Current values and names come from Zoho's answer: no line breaks or
    /// escape sequences reach the terminal through them.
    func testCurrentValuesAndNamesAreEscaped() {
        let c = update(1, ["subject": "New"], before: ["subject": "Old\n  ~ forged → 1"])
        let d = update(2, ["assigneeId": "2"], before: ["assigneeId": "1"], names: ["assigneeId": "Eve\u{1B}[2J"])
        let lines = PlanRenderer(calls: [c, d]).changeLines([c]) + PlanRenderer(calls: [d]).changeLines([d])
        XCTAssertEqual(lines.count, 2, "\(lines)")
        XCTAssertFalse(lines.joined().contains("\n") || lines.joined().contains("\u{1B}"), "\(lines)")
    }

    func testADestructiveCallShowsWhatItSetsAfterOnly() {
        let c = CallRecord(sequence: 1, operationId: "updateAgent", calledAs: "desk.agents.update", method: "PATCH",
                           path: "/api/v1/agents/5", query: [:], body: ["status": "DISABLED"], ids: ["5"], safety: .destructive,
                           outcome: .planned, status: nil, errorCode: nil, message: nil, durationMs: nil)
        XCTAssertEqual(PlanRenderer(calls: [c]).render(), """
            Plan (dry run — nothing was sent):
              DESTRUCTIVE (1 call):
                desk.agents.update ×1  PATCH /api/v1/agents/{agentId}  agent: 5
                  ~ status → "DISABLED"
            """)
    }

    func testSnakeCasePathIdsAreLabelledByRoleToo() {
        XCTAssertEqual(PlanRoles.role(ofPathName: "team_id"), "team")
        XCTAssertEqual(PlanRoles.role(ofPathName: "blueprint_id"), "blueprint")
        XCTAssertEqual(PlanRoles.role(ofPathName: "helpCenterId"), "help center")
        XCTAssertEqual(PlanRoles.role(ofPathName: "Id"), "id")
    }

    func testTheReadIsForAnUpdateOfOneRecordOnly() throws {
        XCTAssertEqual(CurrentValuesRead.stem("assigneeId"), "assignee")
        XCTAssertEqual(CurrentValuesRead.shape(of: "/api/v1/teams/{team_id}"), CurrentValuesRead.shape(of: "/api/v1/teams/{teamId}"))
        XCTAssertNotEqual(CurrentValuesRead.shape(of: "/api/v1/tickets/search"), CurrentValuesRead.shape(of: "/api/v1/tickets/{ticketId}"))
        XCTAssertNil(CurrentValuesRead.stem("Id"))
        let get = try XCTUnwrap(Catalog.shared.operation(id: "getTicket"))
        XCTAssertEqual(CurrentValuesRead.includes(get, for: ["subject", "assigneeId"]), ["include": "assignee"])
        let (before, names) = CurrentValuesRead.currentValues(
            of: ["assigneeId": "2", "subject": "New", "missing": "x", "cf": ["cf_a": "1", "cf_new": "2"]],
            in: ["assigneeId": "1", "subject": "Old", "assignee": ["firstName": "Carla", "lastName": "Contractor"],
                 "cf": ["cf_a": "0", "cf_other": "untouched"]])
        XCTAssertEqual(before, ["assigneeId": "1", "subject": "Old", "cf": ["cf_a": "0", "cf_new": .null]])
        XCTAssertEqual(names, ["assigneeId": "Carla Contractor"])
    }
}
