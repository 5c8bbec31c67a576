import DeskSim
import Foundation
import JSONValue
import XCTest

/// Issue 25 §1 and §2 as a user meets them: zdsh subprocesses against a
/// served simulator. Every refused call is asserted on the server's side:
/// its request log holds no write and the record is unchanged.
final class ArgumentCheckProcessTests: ServedSimulatorTestCase {
    static let ticket = "1892000000220001", otherTicket = "1892000000220002"
    static let agent = "1892000000130002", department = "1892000000120001", article = "1892000000270001"

    override class var tag: String { "argcheck" }

    func eval(_ code: String, _ extra: [String] = []) throws -> Zdsh.Output {
        try zdsh(["eval"] + extra + [code])
    }

    func record(_ kind: String, _ id: String) -> JSON? {
        sim.resource(kind).first { $0["id"]?.stringValue == id }
    }

    /// Exit 2, the message names the binding, the field and the expectation; nothing sent.
    func assertRefused(_ r: Zdsh.Output, naming parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 2, "stdout: \(r.stdout)\nstderr: \(r.stderr)", file: file, line: line)
        for part in parts {
            XCTAssertTrue((r.stderr + r.stdout).contains(part), "missing \(part) in: \(r.stderr) \(r.stdout)", file: file, line: line)
        }
        XCTAssertEqual(served.mutating.map(\.path), [], "a refused call reached the server", file: file, line: line)
    }

    // MARK: - The seen case

    func testMistypedFieldIsRefusedWithASuggestionAndNothingIsSent() throws {
        XCTAssertEqual(record("tickets", Self.ticket)?["priority"], "High")
        let r = try eval(#"return desk.tickets.update("1892000000220001", {prority="Low"})"#)
        assertRefused(r, naming: ["desk.tickets.update", "prority", "did you mean priority?"])
        XCTAssertEqual(record("tickets", Self.ticket)?["priority"], "High")
        XCTAssertFalse(auditRecords.contains { $0["phase"] == "intent" }, "nothing was about to be sent")
    }

    func testDryRunShowsTheErrorNotTheCall() throws {
        let r = try eval(#"return desk.tickets.update("1892000000220001", {prority="Low"})"#, ["--dry-run"])
        assertRefused(r, naming: ["prority", "did you mean priority?"])
        XCTAssertFalse(r.stdout.contains("~ prority"), r.stdout)

        let book = try served.write("typo.lua", """
            return runbook {
              name = "typo",
              main = function() desk.tickets.update("\(Self.ticket)", { prority = "Low" }) end,
            }
            """)
        let plan = served.home + "/plan.json"
        let run = try zdsh(["run", book, "--dry-run", "--plan-out", plan])
        assertRefused(run, naming: ["prority", "did you mean priority?"])
        XCTAssertFalse(run.stdout.contains("~ prority"), run.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: plan), "no plan of a call that cannot be sent")
        XCTAssertTrue(run.stderr.contains("plan not saved"), run.stderr)
    }

    func testPcallCatchesTheRefusalLikeAnyBindingError() throws {
        let r = try eval(#"""
            local ok, e = pcall(desk.tickets.update, "1892000000220001", {prority="Low"})
            return ok, tostring(e)
            """#)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("false"), r.stdout)
        XCTAssertTrue(r.stdout.contains("did you mean priority?"), r.stdout)
        XCTAssertEqual(served.mutating.count, 0)
    }

    // MARK: - Variants

    func testNestedBodyObjectFieldIsChecked() throws {
        let r = try eval(#"""
            return desk.tickets.create{subject="x", departmentId="1892000000120001",
              contact={lastName="Doe", emial="doe@example.com"}}
            """#)
        assertRefused(r, naming: ["desk.tickets.create", "contact/emial", "did you mean email?"])
        XCTAssertFalse(sim.resource("tickets").contains { $0["subject"] == "x" })
    }

    func testArraysOfIdsAreCheckedItemByItem() throws {
        let r = try eval(#"return desk.tickets.close({"1892000000220001", "12ab"})"#)
        assertRefused(r, naming: ["desk.tickets.close", "ids/1", "an id (digit string) expected"])
        XCTAssertNotEqual(record("tickets", Self.ticket)?["status"], "Closed")
    }

    func testMassActionBodyIsChecked() throws {
        let r = try eval(#"""
            return desk.tickets.update_many{ids={"1892000000220001"}, fieldName="priority",
              fieldValue={}, isCustomFeild=false}
            """#)
        assertRefused(r, naming: ["desk.tickets.update_many", "isCustomFeild", "did you mean isCustomField?"])
    }

    func testRawRequestToACatalogPathGetsTheSameCheck() throws {
        let r = try eval(#"""
            return desk.request("PATCH", "/api/v1/tickets/1892000000220001", {body={prority="Low"}})
            """#)
        assertRefused(r, naming: ["desk.request", "prority", "did you mean priority?"])
        let q = try eval(#"return desk.request("GET", "/api/v1/tickets", {query={limt=5}})"#)
        XCTAssertEqual(q.status, 2, q.stderr)
        XCTAssertTrue(q.stderr.contains("did you mean limit?"), q.stderr)
        XCTAssertFalse(sim.requestLog.contains { $0.path.hasPrefix("/api/v1/tickets") }, "nothing sent")
    }

    func testRawOperationCallsAreChecked() throws {
        let r = try eval(#"return desk.api.updateTicket{ticketId="1892000000220001", prority="Low"}"#)
        assertRefused(r, naming: ["desk.api.updateTicket", "prority", "did you mean priority?"])
        let q = try eval(#"return desk.tickets.list{limt=5}"#)
        XCTAssertEqual(q.status, 2, q.stderr)
        XCTAssertTrue(q.stderr.contains("limt") && q.stderr.contains("did you mean limit?"), q.stderr)
        XCTAssertFalse(sim.requestLog.contains { $0.path == "/api/v1/tickets" }, "nothing sent")
    }

    func testEnumAndTypeErrorsNameTheFieldAndWhatWasExpected() throws {
        let e = try eval(#"return desk.articles.update("1892000000270001", {status="Publish"})"#)
        assertRefused(e, naming: ["desk.articles.update", "status", "one of Draft, Published, Review, Unpublished", "did you mean Published?"])
        let t = try eval(#"return desk.tickets.update("1892000000220001", {subject={1, 2}})"#)
        assertRefused(t, naming: ["desk.tickets.update", "subject", "string expected, got array"])
        let ro = try eval(#"return desk.tickets.update("1892000000220001", {createdTime="2026-01-01T00:00:00.000Z"})"#)
        assertRefused(ro, naming: ["createdTime", "read-only: updateTicket answers with createdTime but does not take it"])
        XCTAssertEqual(record("articles", Self.article)?["status"], "Published")
    }

    func testCustomFieldsAndSpecGapsStayAllowed() throws {
        let r = try eval(#"""
            desk.tickets.update("1892000000220001", {priority="Low", cf={cf_region="EU"}})
            desk.departments.update("1892000000120001", {description="Front line"})
            return "ok"
            """#)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(record("tickets", Self.ticket)?["priority"], "Low")
        XCTAssertEqual(served.mutating.map(\.method), ["PATCH", "PATCH"])
    }

    // MARK: - The escape hatch

    func testUncheckedFieldIsSentAndAudited() throws {
        let r = try eval(#"""
            return desk.tickets.update("1892000000220001", desk.unchecked{priority="Low", teamRef="x"}).priority
            """#)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(record("tickets", Self.ticket)?["priority"], "Low")
        XCTAssertEqual(served.mutating.count, 1)
        let before = auditRecords.first { $0["phase"] == "intent" && $0["operation"] == "updateTicket" }
        XCTAssertEqual(before?["unchecked"], ["/teamRef"], "the audit record marks the unchecked field")
    }

    func testUncheckedStillChecksKnownFieldsGrantsAndEffectRules() throws {
        let typed = try eval(#"return desk.tickets.update("1892000000220001", desk.unchecked{subject={}})"#)
        assertRefused(typed, naming: ["subject", "string expected"])
        // status=DISABLED makes updateAgent destructive (effect rule): no grant, no call.
        let denied = try eval(#"return desk.agents.update("1892000000130002", desk.unchecked{status="DISABLED", nickname="x"})"#)
        XCTAssertEqual(denied.status, 3, denied.stderr)
        XCTAssertEqual(served.mutating.count, 0)
    }

    func testUncheckedFieldSurvivesPlanAndApply() throws {
        let book = try served.write("gap.lua", """
            return runbook {
              name = "gap",
              writes = { "desk.tickets.update" },
              main = function() desk.tickets.update("\(Self.ticket)", desk.unchecked{ priority = "Low", teamRef = "x" }) end,
            }
            """)
        let plan = served.home + "/plan.json"
        let dry = try zdsh(["run", book, "--dry-run", "--plan-out", plan])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue((dry.stdout + dry.stderr).contains("! unchecked (desk.unchecked, not in Zoho's spec): /teamRef"), dry.stdout + dry.stderr)
        XCTAssertEqual(served.mutating.count, 0)
        let apply = try zdsh(["apply", plan, "--yes"])
        XCTAssertEqual(apply.status, 0, apply.stderr + apply.stdout)
        XCTAssertEqual(record("tickets", Self.ticket)?["priority"], "Low")
        XCTAssertEqual(served.mutating.count, 1)
    }

    // MARK: - Did you mean: names

    func testUnknownNamespaceAndVerbSuggestTheClosest() throws {
        let ns = try eval("return desk.tikets.list()")
        XCTAssertEqual(ns.status, 1, ns.stderr)
        XCTAssertTrue(ns.stderr.contains("desk.tikets") && ns.stderr.contains("did you mean desk.tickets?"), ns.stderr)
        let verb = try eval("return desk.tickets.lst()")
        XCTAssertTrue(verb.stderr.contains("did you mean desk.tickets.list?"), verb.stderr)
        let api = try eval("return desk.api.updateTikcet{}")
        XCTAssertTrue(api.stderr.contains("did you mean desk.api.updateTicket?"), api.stderr)
        XCTAssertEqual(sim.requestLog.filter { $0.operationId != nil }.count, 0)
    }

    func testPolicyPatternThatMatchesNothingSuggests() throws {
        let r = try zdsh(["eval", "--allow", "desk.agents.deactivat", "return 1"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("did you mean desk.agents.deactivate?"), r.stderr)
        XCTAssertEqual(served.sim.requestLog.filter { $0.operationId != nil }.count, 0)
        let d = try zdsh(["eval", "--deny", "desk.tickets.updte", "return 1"])
        XCTAssertEqual(d.status, 2, d.stderr)
        XCTAssertTrue(d.stderr.contains("did you mean desk.tickets.update?"), d.stderr)
    }

    func testApiShowSuggests() throws {
        let r = try Zdsh.run(["api", "show", "desk.tikets.list"], env: served.env)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("did you mean desk.tickets.list?"), r.stderr)
    }
}
