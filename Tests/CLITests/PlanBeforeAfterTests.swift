import Foundation
import TestSupport
import XCTest

/// Dry-run plans show each field a write changes as before → after, the
/// way Terraform does: an update of one record reads the record during the
/// dry run (a read, counted as a call), never for a destructive call.
final class PlanBeforeAfterTests: XCTestCase {
    static let root = ZdshBinary.packageRoot
    static let zdsh = ZdshBinary.path
    /// Demo data: ticket 101 "Cannot log in", assigned to Sam Lee, priority High.
    static let ticket = "1892000000220001"
    static let sam = "1892000000130002", priya = "1892000000130003", carla = "1892000000130005"

    var scratch: URL!

    override func setUpWithError() throws {
        _ = try ZdshBinary.required()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("zdsh-plan-ba-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func zdsh(_ args: [String]) throws -> ChildProcess.Exit {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ZOHO_") && $0.key != "ZDSH_PROFILE" }
        env["XDG_STATE_HOME"] = scratch.appendingPathComponent("state").path
        env["XDG_CONFIG_HOME"] = scratch.appendingPathComponent("config").path
        env["ZDSH_NO_PROGRESS"] = "1"
        env["NO_COLOR"] = "1"
        return try ChildProcess.run(Self.zdsh, args, environment: env, directory: Self.root.path, timeout: 120)
    }

    func retitleRunbook() throws -> String {
        let url = scratch.appendingPathComponent("retitle.lua")
        try """
            return runbook {
              name = "retitle",
              params = {
                ticket = { type = "id", required = true },
                subject = { type = "string", required = true },
                assignee = { type = "id", required = true },
              },
              main = function(p)
                desk.tickets.update(p.ticket, { subject = p.subject, assigneeId = p.assignee, priority = "High" })
              end,
            }
            """.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func json(_ data: Data) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testADryRunUpdateShowsBeforeAndAfterAndItsPlanStillApplies() throws {
        let plan = scratch.appendingPathComponent("plan.json").path
        let dry = try zdsh(["run", try retitleRunbook(), "--sim", "--dry-run", "--plan-out", plan, "--param", "ticket=\(Self.ticket)",
                            "--param", "subject=Cannot sign in", "--param", "assignee=\(Self.priya)"])
        XCTAssertEqual(dry.status, 0, dry.err)
        XCTAssertTrue(dry.err.contains(#"~ subject: "Cannot log in" → "Cannot sign in""#), dry.err)
        XCTAssertTrue(dry.err.contains(#"~ assigneeId: "\#(Self.sam)" (Sam Lee) → "\#(Self.priya)""#), dry.err)
        // priority is High already: unchanged fields are left out, as Terraform does.
        XCTAssertFalse(dry.err.contains("priority"), dry.err)
        // The read counts as a call: one read plus the planned write.
        XCTAssertTrue(dry.err.contains("2 calls (1 write"), dry.err)

        let saved = try json(try Data(contentsOf: URL(fileURLWithPath: plan)))
        let call = try XCTUnwrap((saved["calls"] as? [[String: Any]])?.first)
        XCTAssertEqual((saved["calls"] as? [Any])?.count, 1, "the read is not part of the plan")
        let before = try XCTUnwrap(call["before"] as? [String: Any], "\(call)")
        XCTAssertEqual(before["subject"] as? String, "Cannot log in")
        XCTAssertEqual(before["assigneeId"] as? String, Self.sam)
        XCTAssertEqual((call["before_names"] as? [String: Any])?["assigneeId"] as? String, "Sam Lee")

        // The signature covers `before`; apply accepts it and sends the write.
        let applied = try zdsh(["apply", plan, "--yes", "--json"])
        XCTAssertEqual(applied.status, 0, applied.err)
        XCTAssertEqual((try json(applied.stdout)["summary"] as? [String: Any])?["applied"] as? Int, 1, applied.out)
    }

    func testEditingBeforeBreaksThePlanSignature() throws {
        let plan = scratch.appendingPathComponent("plan.json").path
        XCTAssertEqual(try zdsh(["run", try retitleRunbook(), "--sim", "--dry-run", "--plan-out", plan, "--param", "ticket=\(Self.ticket)",
                                 "--param", "subject=New", "--param", "assignee=\(Self.priya)"]).status, 0)
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        XCTAssertTrue(text.contains("Cannot log in"))
        try text.replacingOccurrences(of: "Cannot log in", with: "Something else").write(toFile: plan, atomically: true, encoding: .utf8)
        let refused = try zdsh(["apply", plan, "--yes"])
        XCTAssertEqual(refused.status, 3, refused.err)
    }

    func testNothingChangesSaysSo() throws {
        let r = try zdsh(["eval", "--sim", "--dry-run", "desk.tickets.update('\(Self.ticket)', { priority = 'High' })"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("(no change)"), r.err)
    }

    /// A record that cannot be read: after-only, and the plan says why.
    func testAnUnreadableRecordShowsAfterOnlyWithANote() throws {
        let r = try zdsh(["eval", "--sim", "--dry-run", "desk.tickets.update('1892000000229999', { subject = 'x' })"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains(#"~ subject → "x""#), r.err)
        XCTAssertTrue(r.err.contains("current values unknown: getTicket answered 404"), r.err)
    }

    /// A destructive call is never read first, even where a read exists
    /// (updateAgent disabling an agent is destructive by an effect rule);
    /// the same operation as a plain write is. --json's plan carries `before`.
    func testADestructiveCallInADryRunReadsNothing() throws {
        let r = try zdsh(["eval", "--sim", "--dry-run", "--json", "--allow", "desk.agents.update",
                          "desk.agents.update('\(Self.carla)', { status = 'DISABLED' })"])
        XCTAssertEqual(r.status, 0, r.err)
        let doc = try json(r.stdout)
        XCTAssertEqual((doc["summary"] as? [String: Any])?["calls"] as? Int, 1, "\(doc)")
        let call = try XCTUnwrap(((doc["plan"] as? [String: Any])?["calls"] as? [[String: Any]])?.first)
        XCTAssertEqual(call["safety"] as? String, "destructive")
        XCTAssertNil(call["before"], "\(call)")

        let write = try zdsh(["eval", "--sim", "--dry-run", "--json", "desk.agents.update('\(Self.carla)', { firstName = 'Carl' })"])
        XCTAssertEqual(write.status, 0, write.err)
        let wdoc = try json(write.stdout)
        XCTAssertEqual((wdoc["summary"] as? [String: Any])?["calls"] as? Int, 2, "\(wdoc)")
        let planned = try XCTUnwrap(((wdoc["plan"] as? [String: Any])?["calls"] as? [[String: Any]])?.first)
        XCTAssertEqual((planned["before"] as? [String: Any])?["firstName"] as? String, "Carla", "\(planned)")
    }

    /// A request outside the catalog is never read either.
    func testAnUncataloguedWriteInADryRunReadsNothing() throws {
        let r = try zdsh(["eval", "--sim", "--dry-run", "--json", "desk.request('PATCH', '/api/v1/custom/things/1', { body = { a = 1 } })"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual((try json(r.stdout)["summary"] as? [String: Any])?["calls"] as? Int, 1, r.out)
    }
}
