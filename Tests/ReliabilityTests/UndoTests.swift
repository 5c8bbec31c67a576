import DeskSim
import Foundation
import JSONValue
import XCTest

/// Issue 30 as an operator meets it: a run on a served simulator, then
/// `zdsh undo RUN_ID --yes`, leaves the records the run touched as they were
/// (server-maintained fields aside: UndoTestCase.serverMaintained) — one test
/// per kind of inverse; a record changed since the run is not reverted
/// blindly; what cannot be undone is listed; the undo's apply is linked to
/// the run it reverts in `zdsh runs` and the audit log.
final class UndoTests: UndoTestCase {
    static let sam = "1892000000130002", priya = "1892000000130003"

    // MARK: restore-fields

    func testFieldUpdatesOfTicketsContactsAccountsAndTasksAreSetBack() throws {
        let tickets = Array(ids("tickets").prefix(3)), contact = ids("contacts")[0], account = ids("accounts")[0], task = ids("tasks")[0]
        let before = state()
        let runId = try evalRun("""
            desk.tickets.update('\(tickets[0])', { priority = 'High', assigneeId = '\(Self.priya)' })
            desk.tickets.update('\(tickets[1])', { status = 'On Hold', subject = 'changed by the run' })
            desk.tickets.update('\(tickets[0])', { priority = 'Low' })
            desk.tickets.update('\(tickets[2])', { dueDate = '2031-01-01T10:00:00.000Z' })
            desk.contacts.update('\(contact)', { lastName = 'Changed', phone = '555-0100' })
            desk.accounts.update('\(account)', { industry = 'Changed', website = 'https://changed.test' })
            desk.tasks.update('\(task)', { subject = 'Changed task', priority = 'High' })
            """)
        XCTAssertNotEqual(Self.differences(before, state()), [], "the run changed something")
        // The run read each record just before its update: counted as calls.
        XCTAssertEqual(sim.requestLog.filter { $0.operationId == "getTicket" }.count, 4)

        let dry = try zdsh(["undo", runId, "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stderr.contains("undo of run \(runId)"), dry.stderr)
        XCTAssertFalse(dry.stderr.contains("not undone"), "every call of this run can be undone: \(dry.stderr)")
        // --json: the same plan as one document on stdout, nothing sent.
        let document = try zdsh(["undo", runId, "--dry-run", "--json"])
        XCTAssertEqual(document.status, 0, document.stderr)
        let parsed = try XCTUnwrap(try? JSON.parse(Array(document.stdout.utf8)), document.stdout)
        XCTAssertEqual(parsed["reverts"]?.stringValue, runId)
        XCTAssertEqual(parsed["calls"]?.arrayValue?.count, 6, document.stdout)
        XCTAssertEqual(parsed["not_undone"]?.arrayValue?.count, 0, document.stdout)

        let r = try zdsh(["undo", runId, "--yes"])
        XCTAssertEqual(r.status, 0, r.stderr)
        assertSameState(before)
        // Two updates of one ticket are one restore: 6 records, 6 calls.
        XCTAssertTrue(r.stderr.contains("applied 6 calls"), r.stderr)
        // Undone once; the undo itself can be undone.
        let again = try zdsh(["undo", runId, "--yes"])
        XCTAssertEqual(again.status, 2, again.stderr)
        XCTAssertTrue(again.stderr.contains("already undone by plan-"), again.stderr)
    }

    // MARK: membership

    func testLabelGroupAndTagMembershipChangesAreReversed() throws {
        let labels = ids("labels"), groups = ids("groups"), users = ids("users"), ticket = ids("tickets")[0]
        // Users 5 and 12 are not Gold (label 1); user 2 is; user 4 is not in group 1, user 1 is.
        let before = state()
        let runId = try evalRun("""
            desk.api.assignLabelToUsers{ labelId = '\(labels[0])', userIds = { '\(users[4])', '\(users[11])' } }
            desk.api.removeLabelsFromUsers{ labelId = '\(labels[0])', userIds = { '\(users[1])' } }
            desk.api.addHelpCenterGroupUsers{ groupId = '\(groups[0])', users = { { id = '\(users[3])' } } }
            desk.api.deleteHCGroupUsers{ groupId = '\(groups[0])', userIds = { '\(users[0])' } }
            desk.api.associateTicketTags{ ticketId = '\(ticket)', tags = { 'undo-a', 'undo-b' } }
            """, ["--allow", "removeLabelsFromUsers", "--allow", "deleteHCGroupUsers"])
        XCTAssertNotEqual(Self.differences(before, state()), [])
        // The undo removes (destructive) what the run added: it needs the operator's grants.
        let refused = try zdsh(["undo", runId, "--yes"])
        XCTAssertEqual(refused.status, 3, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--allow"), refused.stderr)
        let r = try zdsh(["undo", runId, "--yes", "--allow", "removeLabelsFromUsers", "--allow", "deleteHCGroupUsers",
                          "--allow", "dissociateTicketTags"])
        XCTAssertEqual(r.status, 0, r.stderr)
        assertSameState(before)
    }

    /// Members are read before a membership add: an add of someone who
    /// already was a member is not undone as a remove; a tag the ticket
    /// already had stays. A remove's undo adds back who it removed.
    func testMembershipsThatExistedBeforeAreLeftAsTheyWere() throws {
        let labels = ids("labels"), users = ids("users"), ticket = ids("tickets")[1]
        _ = try evalRun("desk.api.associateTicketTags{ ticketId = '\(ticket)', tags = { 'kept' } }")
        let before = state()
        // Gold (label 1) has users 1–4: user 2 is a member, user 6 is not.
        let runId = try evalRun("""
            desk.api.assignLabelToUsers{ labelId = '\(labels[0])', userIds = { '\(users[1])', '\(users[5])' } }
            desk.api.removeLabelsFromUsers{ labelId = '\(labels[1])', userIds = { '\(users[3])' } }
            desk.api.associateTicketTags{ ticketId = '\(ticket)', tags = { 'kept', 'new' } }
            """, ["--allow", "removeLabelsFromUsers"])
        let r = try zdsh(["undo", runId, "--yes", "--allow", "removeLabelsFromUsers", "--allow", "dissociateTicketTags"])
        XCTAssertEqual(r.status, 0, r.stderr)
        assertSameState(before)
        // Had the undo removed user 2 from Gold or the tag 'kept', the state would differ.
        XCTAssertEqual(served.mutating.filter { $0.operationId == "removeLabelsFromUsers" }.count, 2, "the run's and the undo's")
        XCTAssertEqual(sim.requestLog.filter { $0.operationId == "getUsersByLabel" }.count, 1, "one members read, before the add")
    }

    // MARK: restore-from-trash

    func testRecordsMovedToTheTrashAreRestored() throws {
        let tickets = Array(ids("tickets").suffix(2)), contact = ids("contacts").last!
        let before = state()
        let runId = try evalRun("""
            desk.api.deleteTicket{ ticketIds = { '\(tickets[0])', '\(tickets[1])' } }
            desk.api.deleteContact{ contactIds = { '\(contact)' } }
            """, ["--allow", "deleteTicket", "--allow", "deleteContact"])
        XCTAssertNil(record("tickets", tickets[0])["id"], "moved to the trash")
        let r = try zdsh(["undo", runId, "--yes"])
        XCTAssertEqual(r.status, 0, r.stderr)
        assertSameState(before)
        XCTAssertEqual(sim.requestLog.filter { $0.operationId == "restoreEntities" }.count, 2)
    }

    // MARK: delete-created

    func testCreatedRecordsAreDeletedOnlyWithTheOperatorsGrant() throws {
        let sample = record("tickets", ids("tickets")[0])
        let department = try XCTUnwrap(sample["departmentId"]?.stringValue), contact = try XCTUnwrap(sample["contactId"]?.stringValue)
        let hc = try XCTUnwrap(record("labels", ids("labels")[0])["helpCenterId"]?.stringValue)
        let before = state()
        let runId = try evalRun("""
            desk.api.createTicket{ subject = 'made by the run', departmentId = '\(department)', contactId = '\(contact)' }
            desk.api.createLabel{ name = 'Platinum', helpCenterId = '\(hc)' }
            """)
        XCTAssertEqual(ids("tickets").count, (before["tickets"]?.objectValue?.count ?? 0) + 1)
        let refused = try zdsh(["undo", runId, "--yes"])
        XCTAssertEqual(refused.status, 3, "deleting is destructive: the undo needs its grant\n\(refused.stderr)")
        XCTAssertEqual(served.mutating.filter { $0.operationId == "deleteTicket" || $0.operationId == "deleteLabel" }.count, 0)
        let r = try zdsh(["undo", runId, "--yes", "--allow", "deleteTicket", "--allow", "deleteLabel"])
        XCTAssertEqual(r.status, 0, r.stderr)
        assertSameState(before)
    }

    // MARK: drift

    func testARecordChangedSinceTheRunIsNotRevertedAndTheRestAreWithSkipDrifted() throws {
        let tickets = Array(ids("tickets").prefix(3))
        let original = tickets.map { record("tickets", $0)["priority"] }
        let runId = try evalRun(tickets.map { "desk.tickets.update('\($0)', { priority = 'Urgent' })" }.joined(separator: "\n"))
        // Someone changes ticket 2 after the run.
        _ = try evalRun("desk.tickets.update('\(tickets[1])', { priority = 'Low' })")
        sim.clearRequestLog()

        let refused = try zdsh(["undo", runId, "--yes"])
        XCTAssertEqual(refused.status, 6, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("record \(tickets[1]): priority: plan \"Urgent\" → now \"Low\""), refused.stderr)
        XCTAssertTrue(served.mutating.isEmpty, "nothing sent: \(served.mutating)")

        let r = try zdsh(["undo", runId, "--yes", "--skip-drifted"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("leaving out 1 call"), r.stderr)
        XCTAssertEqual(record("tickets", tickets[0])["priority"], original[0])
        XCTAssertEqual(record("tickets", tickets[2])["priority"], original[2])
        XCTAssertEqual(record("tickets", tickets[1])["priority"], .string("Low"), "the later change is kept")
    }

    // MARK: interrupted and resumed runs

    /// A run that stopped part-way is undone for what it sent; resumed, for all it sent in both parts.
    func testAPartlyFailedRunAndItsResumeAreUndoneForWhatWasSent() throws {
        let tickets = Array(ids("tickets").prefix(3)), contact = ids("contacts")[0]
        let book = try served.write("job.lua", """
            return runbook {
              name = "job",
              writes = { "desk.tickets.update", "desk.contacts.update" },
              main = function()
                desk.tickets.update('\(tickets[0])', { priority = 'Urgent' })
                desk.tickets.update('\(tickets[1])', { priority = 'Urgent' })
                desk.contacts.update('\(contact)', { lastName = 'Resumed' })
                desk.tickets.update('\(tickets[2])', { priority = 'Urgent' })
              end,
            }
            """)
        let before = state()
        sim.addFault(FaultRule(operation: "updateContact", kind: .status(422, errorCode: "UNPROCESSABLE_ENTITY")))
        let failed = try zdsh(["run", book, "--yes"])
        XCTAssertEqual(failed.status, 5, failed.stderr)
        let runId = try XCTUnwrap(failed.stderr.range(of: #"run \S+"#, options: .regularExpression).map { String(failed.stderr[$0].dropFirst(4)) })
        let part = try zdsh(["undo", runId, "--dry-run"])
        XCTAssertTrue(part.stderr.contains("writes (2 calls)"), "only the two updates that were sent: \(part.stderr)")

        let resumed = try zdsh(["run", book, "--yes", "--resume", runId])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let r = try zdsh(["undo", runId, "--yes"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("applied 4 calls"), r.stderr)
        assertSameState(before)
    }

    // MARK: what cannot be undone, and the links

    func testCallsThatCannotBeUndoneAreListedAndTheUndoIsLinkedToItsRun() throws {
        let ticket = ids("tickets")[0]
        let code = """
            desk.tickets.update('\(ticket)', { priority = 'High' })
            desk.api.sendReply{ ticketId = '\(ticket)', channel = 'EMAIL', to = 'someone@example.org', fromEmailAddress = 'support@acme.test', content = 'hello' }
            """
        // A dry run warns first.
        let dry = try zdsh(["eval", code, "--dry-run"])
        XCTAssertTrue(dry.stderr.contains("1 planned call cannot be undone"), dry.stderr)
        let runId = try evalRun(code, ["--allow", "sendReply"])

        let plan = home + "/undo.json"
        let shown = try zdsh(["undo", runId, "--dry-run", "--plan-out", plan])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stderr.contains("not undone (1 call)") && shown.stderr.contains("sendReply"), shown.stderr)
        let saved = try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: plan))))
        XCTAssertEqual(saved["reverts"]?.stringValue, runId)
        XCTAssertEqual(saved["not_undone"]?.arrayValue?.count, 1)

        let applied = try zdsh(["apply", plan, "--yes"])
        XCTAssertEqual(applied.status, 0, applied.stderr)
        let runs = try Zdsh.run(["runs", "--json"], env: served.env)
        let listed = try JSON.parse(Array(runs.stdout.utf8)).arrayValue ?? []
        XCTAssertTrue(listed.contains { $0["reverts"]?.stringValue == runId }, runs.stdout)
        XCTAssertTrue(listed.contains { $0["id"]?.stringValue == runId && $0["runbook"]?.stringValue == "(eval)" }, runs.stdout)
        let undone = try auditRecords().filter { $0["reverts"]?.stringValue == runId }
        XCTAssertEqual(undone.filter { $0["phase"]?.stringValue == "outcome" }.count, 1, "one inverse call, linked to the run")
    }

    func testNoUndoSkipsTheReadsAndTheUndoSaysWhatItCannotRestore() throws {
        let ticket = ids("tickets")[0]
        let runId = try evalRun("desk.tickets.update('\(ticket)', { priority = 'High' })", ["--no-undo"])
        XCTAssertEqual(sim.requestLog.filter { $0.operationId == "getTicket" }.count, 0, "no read")
        let r = try zdsh(["undo", runId, "--dry-run"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("no call to send") && r.stderr.contains("values before were not read"), r.stderr)
    }

    func testApiShowSaysHowAnOperationIsUndone() throws {
        let update = try Zdsh.run(["api", "show", "desk.tickets.update"], env: served.env)
        XCTAssertTrue(update.stdout.contains("undo: yes: each field it sets goes back"), update.stdout)
        let reply = try Zdsh.run(["api", "show", "sendReply"], env: served.env)
        XCTAssertTrue(reply.stdout.contains("undo: no:"), reply.stdout)
    }

    func testUndoOfAnUnknownRunIsAUsageError() throws {
        let r = try zdsh(["undo", "20260101T000000Z-0"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("no run"), r.stderr)
    }
}
