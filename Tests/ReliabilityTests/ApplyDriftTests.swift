import DeskCore
import DeskSim
import Foundation
import JSONValue
import TestSupport
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// Issue 25 §5, §6, §8 as an operator meets them: `zdsh apply` refuses a
/// plan the world drifted from (exit 6, nothing sent), refuses old plans,
/// makes a new plan with --refresh, shows the dry run's field changes and
/// every missing grant at once, is listed by `zdsh runs`, and applies a plan
/// once even when started twice at the same time. zdsh subprocesses against
/// a served simulator; the server's state and request log are the evidence.
final class ApplyDriftTests: ServedSimulatorTestCase {
    /// Demo data: Sam Lee (…130002) has tickets 1, 4, 7, 13, 16 and 19.
    static let sam = "1892000000130002", priya = "1892000000130003", carla = "1892000000130005"
    static let hc = "1892000000150001", label = "1892000000190001"

    override class var tag: String { "drift" }
    override class var timeout: Double { 120 }

    func ticket(_ id: String) -> [String: JSON] {
        sim.resource("tickets").first { $0["id"]?.stringValue == id }?.objectValue ?? [:]
    }

    var samsTickets: [String] {
        sim.resource("tickets").filter { $0["assigneeId"]?.stringValue == Self.sam }.compactMap { $0["id"]?.stringValue }
    }

    /// The seen case's plan: every ticket of one agent reassigned to another.
    func reassignmentPlan(name: String = "plan.json") throws -> String {
        let book = try served.write("reassign.lua", """
            return runbook {
              name = "reassign",
              params = { from = { type = "id", required = true }, to = { type = "id", required = true } },
              writes = { "desk.tickets.update" },
              main = function(p)
                local n = 0
                for t in desk.tickets.each {} do
                  if t.assigneeId == p.from then desk.tickets.update(t.id, { assigneeId = p.to }); n = n + 1 end
                end
                return n
              end,
            }
            """)
        let plan = home + "/" + name
        let r = try zdsh(["run", book, "--param", "from=\(Self.sam)", "--param", "to=\(Self.priya)", "--dry-run", "--plan-out", plan])
        XCTAssertEqual(r.status, 0, r.stderr)
        return plan
    }

    /// A plan from a one-off runbook whose main runs `code`.
    func plan(_ name: String, _ code: String, destructive: [String] = [], writes: [String] = [], grants: [String] = []) throws -> (path: String, dry: Zdsh.Output) {
        func list(_ names: [String]) -> String { names.map { "\"\($0)\"" }.joined(separator: ", ") }
        let book = try served.write(name + ".lua", """
            return runbook {
              name = "\(name)",
              destructive = { \(list(destructive)) },
              writes = { \(list(writes)) },
              main = function() \(code) end,
            }
            """)
        let path = home + "/" + name + ".json"
        let dry = try zdsh(["run", book, "--dry-run", "--plan-out", path] + grants.flatMap { ["--allow", $0] })
        return (path, dry)
    }

    /// The plan as JSON, and written back signed with this user's key.
    func planJSON(_ path: String) throws -> [String: JSON] {
        try XCTUnwrap(try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path)))).objectValue)
    }

    func resign(_ plan: [String: JSON], to path: String) throws {
        var o = plan
        o["signature"] = nil
        let signed = try PlanSignature.sign(.object(o), keyPath: home + "/state/zdsh/plan.key")
        try signed.encoded(.pretty).write(toFile: path, atomically: true, encoding: .utf8)
    }

    // MARK: - §5 drift

    func testApplyRefusesAPlanWhoseRecordsChangedByHandAndSendsNothing() throws {
        let tickets = samsTickets
        XCTAssertEqual(tickets.count, 6)
        let plan = try reassignmentPlan()
        // One ticket reassigned by hand after the plan was made.
        let hand = try zdsh(["eval", "desk.tickets.update('\(tickets[1])', { assigneeId = '\(Self.carla)' })"])
        XCTAssertEqual(hand.status, 0, hand.stderr)
        sim.clearRequestLog()

        let r = try zdsh(["apply", plan, "--yes"])
        XCTAssertEqual(r.status, 6, r.stderr)
        XCTAssertTrue(r.stderr.contains("changed since it was made"), r.stderr)
        XCTAssertTrue(r.stderr.contains("record \(tickets[1]): assigneeId: plan \"\(Self.sam)\" → now \"\(Self.carla)\""), r.stderr)
        XCTAssertTrue(r.stderr.contains("--refresh") && r.stderr.contains("nothing was sent"), r.stderr)
        XCTAssertTrue(mutating.isEmpty, "\(mutating)")
        // Apply read each planned ticket again (a read per record), and nothing else.
        XCTAssertEqual(sim.requestLog.filter { $0.operationId == "getTicket" }.count, 6)
        XCTAssertEqual(ticket(tickets[1])["assigneeId"]?.stringValue, Self.carla, "the hand change is kept")
        XCTAssertEqual(ticket(tickets[0])["assigneeId"]?.stringValue, Self.sam)

        // --json: the error document says stale plan.
        let json = try zdsh(["apply", plan, "--yes", "--json"])
        XCTAssertEqual(json.status, 6)
        XCTAssertTrue((json.stdout + json.stderr).contains("\"code\":6"), json.stdout + json.stderr)
        XCTAssertTrue(mutating.isEmpty)
    }

    /// A record deleted since the plan is drift too; one already changed to
    /// the planned value is not (sending it again overwrites nothing).
    /// A deny that covers the drift read refuses the apply: the check is not
    /// skipped and the read is not made against the deny (issue 25 §7).
    func testADenyOnTheDriftReadRefusesTheApply() throws {
        let plan = try reassignmentPlan()
        let readsBefore = sim.requestLog.filter { $0.operationId == "getTicket" }.count
        let r = try zdsh(["apply", plan, "--yes", "--deny", "desk.tickets.get"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("apply reads it to check the record has not changed"), r.stderr)
        XCTAssertEqual(mutating.count, 0, "nothing sent")
        XCTAssertEqual(sim.requestLog.filter { $0.operationId == "getTicket" }.count, readsBefore, "no read against the deny")
    }

    /// --max-writes holds for apply as for a run: a plan whose writes affect
    /// more records than the cap is refused before its first call.
    func testApplyHonoursTheWriteCap() throws {
        let plan = try reassignmentPlan()
        let r = try zdsh(["apply", plan, "--yes", "--max-writes", "3"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("--max-writes"), r.stderr)
        XCTAssertEqual(mutating.count, 0, "nothing sent")
        XCTAssertEqual(try zdsh(["apply", plan, "--yes", "--max-writes", "6"]).status, 0)
        XCTAssertEqual(mutating.count, 6)
    }

    func testADeletedRecordIsDriftAndOneAlreadyAtThePlannedValueIsNot() throws {
        let tickets = samsTickets
        let plan = try reassignmentPlan()
        XCTAssertEqual(try zdsh(["eval", "desk.tickets.update('\(tickets[0])', { assigneeId = '\(Self.priya)' })"]).status, 0)
        let trashed = try zdsh(["eval", "--yes", "--allow", "desk.tickets.move_to_trash", "desk.tickets.move_to_trash({'\(tickets[3])'})"])
        XCTAssertEqual(trashed.status, 0, trashed.stderr)
        sim.clearRequestLog()
        let r = try zdsh(["apply", plan, "--yes"])
        XCTAssertEqual(r.status, 6, r.stderr)
        XCTAssertTrue(r.stderr.contains("record \(tickets[3]): the record: plan (exists) → now (gone)"), r.stderr)
        XCTAssertFalse(r.stderr.contains("record \(tickets[0])"), r.stderr)
        XCTAssertTrue(r.stderr.contains("1 field of 1 record changed"), r.stderr)
        XCTAssertTrue(mutating.isEmpty, "\(mutating)")
    }

    func testApplyWithoutDriftShowsTheDryRunsFieldChangesAndAppliesOnce() throws {
        let tickets = samsTickets
        let plan = try reassignmentPlan()
        sim.clearRequestLog()
        let r = try zdsh(["apply", plan, "--yes"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("drift: 6 records re-read, none changed since the plan"), r.stderr)
        XCTAssertTrue(r.stderr.contains(#"~ assigneeId: "\#(Self.sam)" (Sam Lee) → "\#(Self.priya)""#), r.stderr)
        XCTAssertTrue(r.stderr.contains("applied 6 calls"), r.stderr)
        XCTAssertEqual(mutating.map(\.operationId), Array(repeating: "updateTicket", count: 6))
        XCTAssertTrue(tickets.allSatisfy { ticket($0)["assigneeId"]?.stringValue == Self.priya })
    }

    func testRefreshMakesANewPlanFromTheCurrentStateAndAppliesIt() throws {
        let tickets = samsTickets
        let plan = try reassignmentPlan()
        XCTAssertEqual(try zdsh(["eval", "desk.tickets.update('\(tickets[2])', { assigneeId = '\(Self.carla)' })"]).status, 0)
        sim.clearRequestLog()
        let r = try zdsh(["apply", plan, "--refresh", "--yes"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("refreshing"), r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: home + "/plan.refreshed.json"))
        // Sam now has 5 tickets: the new plan reassigns those and leaves the hand-changed one alone.
        XCTAssertEqual(mutating.map(\.operationId), Array(repeating: "updateTicket", count: 5), r.stderr)
        XCTAssertEqual(ticket(tickets[2])["assigneeId"]?.stringValue, Self.carla)
        XCTAssertTrue(tickets.enumerated().allSatisfy { $0.offset == 2 || ticket($0.element)["assigneeId"]?.stringValue == Self.priya })
        // Without a terminal and without --yes the refreshed plan is shown but not applied.
        let again = try reassignmentPlan(name: "second.json")
        XCTAssertEqual(try zdsh(["eval", "desk.tickets.update('\(tickets[0])', { assigneeId = '\(Self.sam)' })"]).status, 0)
        sim.clearRequestLog()
        let unconfirmed = try zdsh(["apply", again, "--refresh"])
        XCTAssertEqual(unconfirmed.status, 3, unconfirmed.stderr)
        XCTAssertTrue(unconfirmed.stderr.contains("pass --yes"), unconfirmed.stderr)
        XCTAssertTrue(mutating.isEmpty, "\(mutating)")
    }

    func testPlansExpireAfterTheirMaximumAge() throws {
        let plan = try reassignmentPlan()
        var o = try planJSON(plan)
        o["created"] = .string(UTCTimestamp.string(from: Date().addingTimeInterval(-25 * 3600)))
        try resign(o, to: plan)
        sim.clearRequestLog()
        let r = try zdsh(["apply", plan, "--yes"])
        XCTAssertEqual(r.status, 6, r.stderr)
        XCTAssertTrue(r.stderr.contains("older than the 24.0 h a plan stays valid"), r.stderr)
        XCTAssertTrue(sim.requestLog.isEmpty, "not even a read: \(sim.requestLog)")
        let tight = try zdsh(["apply", plan, "--yes", "--max-plan-age", "1h"])
        XCTAssertEqual(tight.status, 6, tight.stderr)
        let bad = try zdsh(["apply", plan, "--yes", "--max-plan-age", "soon"])
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(sim.requestLog.isEmpty)
        let allowed = try zdsh(["apply", plan, "--yes", "--max-plan-age", "2d"])
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        XCTAssertEqual(mutating.count, 6)
    }

    /// A mass action reads each id it lists in the dry run (a read per id)
    /// and again at apply; a record changed since refuses the plan. (The
    /// simulator does not model marking tickets as spam, so the change is
    /// made on the plan's side: its recorded value, re-signed with the key.)
    func testMassActionDriftIsCheckedPerRecord() throws {
        let ids = Array(samsTickets.prefix(3))
        let list = ids.map { "'\($0)'" }.joined(separator: ", ")
        let (plan, dry) = try self.plan("mass", "desk.tickets.mark_spam({\(list)}, { isSpam = true })",
                                        destructive: ["desk.tickets.mark_spam"], grants: ["desk.tickets.mark_spam"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stderr.contains("~ isSpam: false → true"), dry.stderr)
        var saved = try planJSON(plan)
        var call = try XCTUnwrap(saved["calls"]?.arrayValue?.first?.objectValue)
        var byId = try XCTUnwrap(call["before_by_id"]?.objectValue, "\(call)")
        XCTAssertEqual(Set(byId.keys), Set(ids))
        XCTAssertTrue(ids.allSatisfy { byId[$0]?["isSpam"] == .bool(false) }, "\(byId)")

        byId[ids[1]] = ["isSpam": true]
        call["before_by_id"] = .object(byId)
        saved["calls"] = [.object(call)]
        let drifted = home + "/mass-drifted.json"
        try resign(saved, to: drifted)
        sim.clearRequestLog()
        let r = try zdsh(["apply", drifted, "--yes", "--allow", "desk.tickets.mark_spam"])
        XCTAssertEqual(r.status, 6, r.stderr)
        XCTAssertTrue(r.stderr.contains("record \(ids[1]): isSpam: plan true → now false"), r.stderr)
        XCTAssertTrue(mutating.isEmpty, "\(mutating)")
        XCTAssertEqual(sim.requestLog.filter { $0.operationId == "getTicket" }.count, 3)

        let applied = try zdsh(["apply", plan, "--yes", "--allow", "desk.tickets.mark_spam"])
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertTrue(applied.stderr.contains("drift: 3 records re-read, none changed"), applied.stderr)
        XCTAssertEqual(mutating.map(\.operationId), ["markTicketAsSpam"])
    }

    /// A mass action whose records the spec cannot read says so, and applies.
    func testAMassActionWithoutAGetSaysDriftNotChecked() throws {
        let ids = Array(samsTickets.prefix(2)).map { "'\($0)'" }.joined(separator: ", ")
        let (plan, dry) = try self.plan("close", "desk.tickets.close({\(ids)})", writes: ["desk.tickets.close"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stderr.contains("drift not checked: the spec has no GET for these records"), dry.stderr)
        sim.clearRequestLog()
        let r = try zdsh(["apply", plan, "--yes"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("drift not checked: the spec has no GET for these records"), r.stderr)
        XCTAssertEqual(mutating.map(\.operationId), ["closeTickets"])
    }

    // MARK: - §6 as clear as the dry run

    func testApplyListsEveryMissingGrantAtOnce() throws {
        let grants = ["helpcenter.labels.delete", "desk.agents.update"]
        let (plan, dry) = try self.plan("grants", "helpcenter.labels.delete('\(Self.hc)', '\(Self.label)'); desk.agents.update('\(Self.carla)', { status = 'DISABLED' })",
                                        destructive: grants, grants: grants)
        XCTAssertEqual(dry.status, 0, dry.stderr)
        sim.clearRequestLog()
        let r = try zdsh(["apply", plan, "--yes"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("2 calls are denied"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--allow helpcenter.labels.delete --allow desk.agents.update"), r.stderr)
        XCTAssertTrue(sim.requestLog.isEmpty, "\(sim.requestLog)")
    }

    func testAnApplyIsListedByRunsWithThePlansRunId() throws {
        let plan = try reassignmentPlan()
        let planId = try XCTUnwrap(try planJSON(plan)["id"]?.stringValue)
        XCTAssertEqual(try zdsh(["apply", plan, "--yes"]).status, 0)
        let runs = try Zdsh.run(["runs", "--json"], env: served.env)
        XCTAssertEqual(runs.status, 0, runs.stderr)
        let list = try XCTUnwrap(try JSON.parse(Array(runs.stdout.utf8)).arrayValue)
        let apply = try XCTUnwrap(list.first { $0["planned_run"]?.stringValue == planId }, runs.stdout)
        XCTAssertEqual(apply["id"]?.stringValue, "plan-\(planId)")
        XCTAssertEqual(apply["state"]?.stringValue, "complete")
        XCTAssertTrue(list.contains { $0["id"]?.stringValue == planId && $0["state"]?.stringValue == "dry run" })
        let text = try Zdsh.run(["runs"], env: served.env)
        XCTAssertTrue(text.stdout.contains("apply of the plan of run \(planId)"), text.stdout)
        // The apply's run is no runbook run to --resume.
        let book = home + "/reassign.lua"
        let resume = try zdsh(["run", book, "--param", "from=\(Self.sam)", "--param", "to=\(Self.priya)", "--resume", "plan-\(planId)"])
        XCTAssertEqual(resume.status, 2, resume.stderr)
        XCTAssertTrue(resume.stderr.contains("apply that plan again"), resume.stderr)
    }

    // MARK: - §8 once, even when started twice

    func testTwoAppliesOfOnePlanStartedTogetherSendItOnce() throws {
        for round in 0..<3 {
            let (plan, dry) = try self.plan("create-\(round)", """
                desk.tickets.create{ subject = 'Created once \(round)', departmentId = '1892000000120001', contactId = '1892000000160001' }
                """, writes: ["desk.tickets.create"])
            XCTAssertEqual(dry.status, 0, dry.stderr)
            sim.clearRequestLog()
            let args = ["apply", plan, "--yes", "--profile", "drift", "--audit", home + "/audit.jsonl"]
            let a = try Zdsh.launch(args, env: served.env), b = try Zdsh.launch(args, env: served.env)
            let ra = a.wait(timeout: 120), rb = b.wait(timeout: 120)
            let statuses = [ra.status, rb.status].sorted()
            XCTAssertEqual(statuses, [0, 2], "round \(round): \(ra.err)\n---\n\(rb.err)")
            let loser = ra.status == 0 ? rb.err : ra.err
            XCTAssertTrue(loser.contains("applying this plan right now") || loser.contains("already applied"), loser)
            XCTAssertTrue(loser.contains("nothing was sent"), loser)
            XCTAssertEqual(mutating.map(\.operationId), ["createTicket"], "round \(round)")
            XCTAssertEqual(sim.resource("tickets").filter { $0["subject"]?.stringValue == "Created once \(round)" }.count, 1)
        }
    }
}
