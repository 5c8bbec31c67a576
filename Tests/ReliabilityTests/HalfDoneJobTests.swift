import DeskSim
import Foundation
import JSONValue
import TestSupport
import XCTest

/// Issue 14, end to end: zdsh subprocesses against a served simulator,
/// asserting the server's request log and state. A job is checked before
/// its first call, interrupted runs say how to finish, resume fails closed,
/// and per-id failures are retried by resume — exactly those ids.
final class HalfDoneJobTests: XCTestCase {
    static let hc = "1892000000150001"
    static let user = "1892000000180001"
    static let gold = "1892000000190001", silver = "1892000000190002"

    var served: ServedSimulator!
    var sim: Simulator { served.sim }
    var home: String { served.home }
    var env: [String: String] { served.env }

    override func setUp() async throws {
        served = ServedSimulator(tag: "halfdone")
        try await served.start()
    }

    override func tearDown() async throws {
        await served.stop()
    }

    func zdsh(_ args: [String], profile: Bool = true) throws -> Zdsh.Output {
        try Zdsh.run(args + (profile ? ["--profile", "halfdone"] : []), env: env, timeout: 90)
    }

    var apiRequests: [SimLogEntry] { sim.requestLog.filter { $0.path.hasPrefix("/api/") } }
    var mutating: [SimLogEntry] { apiRequests.filter { $0.method != "GET" } }

    func write(_ name: String, _ text: String) throws -> String { try served.write(name, text) }

    /// The offboarding shape: writes first, destructive calls after.
    func offboardRunbook() throws -> String {
        try write("offboard.lua", """
            return runbook {
              name = "offboard",
              params = { user = { type = "id", required = true } },
              destructive = { "helpcenter.users.remove_labels", "helpcenter.users.remove_from_groups" },
              writes = { "desk.tickets.update" },
              main = function(p)
                for _, t in ipairs(desk.tickets.list({ limit = 5 })) do
                  desk.tickets.update(t.id, { subject = "reassigned" })
                end
                helpcenter.users.remove_labels("\(Self.hc)", p.user, { "\(Self.gold)" })
                helpcenter.users.remove_from_groups("\(Self.hc)", p.user, { "1892000000200001" })
              end,
            }
            """)
    }

    func testNothingIsSentWhenADeclaredGrantIsMissing() throws {
        let book = try offboardRunbook()
        let r = try zdsh(["run", book, "--param", "user=\(Self.user)", "--yes", "--allow", "helpcenter.users.remove_labels"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("--allow helpcenter.users.remove_from_groups"), r.stderr)
        XCTAssertTrue(r.stderr.contains("nothing was sent"), r.stderr)
        XCTAssertTrue(apiRequests.isEmpty, "\(apiRequests)")
    }

    func testNothingIsSentWithoutATerminalToConfirmOn() throws {
        let book = try offboardRunbook()
        let r = try zdsh(["run", book, "--param", "user=\(Self.user)", "--allow", "helpcenter.users.*"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("no terminal to confirm on"), r.stderr)
        XCTAssertTrue(apiRequests.isEmpty, "\(apiRequests)")
        let ok = try zdsh(["run", book, "--param", "user=\(Self.user)", "--allow", "helpcenter.users.*", "--yes"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(mutating.count, 7)
    }

    func testARunbooksTopLevelCannotChangeAnythingBeforeTheChecks() throws {
        let book = try write("top.lua", """
            desk.tickets.update("1892000000220001", { subject = "before the checks" })
            return runbook { name = "top", main = function() return 1 end }
            """)
        let r = try zdsh(["run", book, "--yes"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("top level may only read"), r.stderr)
        XCTAssertTrue(mutating.isEmpty, "\(mutating)")
        // A plain script (no runbook{}) is code like eval: its writes go through.
        let plain = try write("plain.lua", "return desk.tickets.update('1892000000220001', { subject = 'plain' }).subject")
        XCTAssertEqual(try zdsh(["run", plain]).status, 0)
        XCTAssertEqual(mutating.count, 1)
    }

    func testAmbiguityIsAnError() throws {
        let book = try offboardRunbook()
        XCTAssertEqual(try zdsh(["run", book, "--param", "user=1", "--param", "user=2", "--yes"]).status, 2)
        XCTAssertEqual(try zdsh(["run", book, "--param", "user=\(Self.user)", "--yes", "--allow", "helpcenter.userz.*"]).status, 2)
        let policy = try write("policy.json", #"{"allow": ["helpcenter.users.*"], "alow": ["*"]}"#)
        let p = try zdsh(["run", book, "--param", "user=\(Self.user)", "--yes", "--policy", policy])
        XCTAssertEqual(p.status, 2, p.stderr)
        XCTAssertTrue(p.stderr.contains("unknown key \"alow\""), p.stderr)
        XCTAssertTrue(apiRequests.isEmpty)
    }

    func testInterruptPrintsSummaryAndTheResumeCommandThatFinishesTheJob() throws {
        sim.setLatency(ms: 150)
        let book = try write("touch.lua", """
            return runbook {
              name = "touch",
              writes = { "desk.tickets.update" },
              main = function()
                for _, t in ipairs(desk.tickets.list({ limit = 12 })) do desk.tickets.update(t.id, { subject = "touched" }) end
              end,
            }
            """)
        let child = try Zdsh.launch(["run", book, "--profile", "halfdone", "--yes"], env: env)
        let deadline = Date().addingTimeInterval(30)
        while mutating.count < 3 && Date() < deadline { usleep(20_000) }
        kill(child.pid, SIGINT)
        let r = child.wait(timeout: 30)
        XCTAssertEqual(r.status, 130, r.err)
        XCTAssertTrue(r.err.contains("interrupted by SIGINT"), r.err)
        let sentBefore = mutating.count
        XCTAssertLessThan(sentBefore, 12)
        guard let line = r.err.split(separator: "\n").first(where: { $0.contains("to finish the job: ") }),
              let runId = line.components(separatedBy: "--resume ").last else {
            return XCTFail("no resume hint: \(r.err)")
        }
        let runs = try zdsh(["runs"], profile: false)
        XCTAssertTrue(runs.stdout.contains(runId) && runs.stdout.contains("interrupted"), runs.stdout)
        sim.setLatency(ms: 0)
        let resumed = try zdsh(["run", book, "--resume", runId, "--yes"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        // Each of the 12 tickets updated once in all: nothing repeated, nothing missed
        // (a call that was in flight when interrupted is a PATCH, safe to repeat).
        let updates = mutating.filter { $0.operationId == "updateTicket" }
        XCTAssertGreaterThanOrEqual(updates.count, 12)
        XCTAssertLessThanOrEqual(updates.count, 13)
        XCTAssertEqual(Set(updates.map(\.path)).count, 12)
    }

    func testResumeFailsClosed() throws {
        let book = try offboardRunbook()
        sim.fail(status: 500, times: 50)
        let failed = try zdsh(["run", book, "--param", "user=\(Self.user)", "--allow", "helpcenter.users.*", "--yes"])
        XCTAssertNotEqual(failed.status, 0)
        sim.clearFaults()
        guard let runId = failed.stderr.split(separator: "\n").first(where: { $0.hasPrefix("zdsh: run ") })?
            .split(separator: " ").dropFirst(2).first.map(String.init) else { return XCTFail(failed.stderr) }
        sim.clearRequestLog()
        let cases: [([String], String)] = [
            (["run", book, "--param", "user=\(Self.user)", "--resume", "no-such-run"], "no run no-such-run"),
            (["run", book, "--param", "user=1892000000180002", "--resume", runId], "ran with parameters"),
            (["run", book, "--param", "user=\(Self.user)", "--resume", runId, "--sim"], "not the simulator"),
        ]
        for (args, why) in cases {
            let r = try Zdsh.run(args + (args.contains("--sim") ? [] : ["--profile", "halfdone"]) + ["--allow", "helpcenter.users.*", "--yes"],
                                 env: env, timeout: 60)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(why) || r.stderr.contains("ran against"), "\(args): \(r.stderr)")
        }
        try (String(contentsOfFile: book, encoding: .utf8) + "\n-- edited\n").write(toFile: book, atomically: true, encoding: .utf8)
        let changed = try zdsh(["run", book, "--param", "user=\(Self.user)", "--resume", runId, "--allow", "helpcenter.users.*", "--yes"])
        XCTAssertEqual(changed.status, 2, changed.stderr)
        XCTAssertTrue(changed.stderr.contains("different version"), changed.stderr)
        XCTAssertTrue(apiRequests.isEmpty, "\(apiRequests)")
    }

    func testAuditTailFiltersFollowsAndNeverCutsIdsSilently() throws {
        let log = home + "/tail.jsonl"
        let ids = (1...8).map { "18920000001800\($0)" }
        func record(_ run: String, _ op: String, _ profile: String, ids: [String] = ["1"]) -> String {
            JSON.object(["time": "T", "run_id": .string(run), "phase": "outcome", "operation": .string(op), "called_as": .string(op),
                         "profile": .string(profile), "method": "POST", "path": "/api/v1/x", "ids": .array(ids.map(JSON.string)),
                         "status": 200]).encoded()
        }
        let lines = [record("r1", "deleteLabel", "prod"), record("r2", "removeLabelsFromUsers", "prod", ids: ids),
                     record("r2", "deleteLabel", "staging"), record("r3", "updateTicket", "prod")]
        try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        let byRun = try zdsh(["audit", "tail", "--file", log, "--run", "r2"], profile: false)
        XCTAssertEqual(byRun.stdout.split(separator: "\n").count, 2, byRun.stdout)
        XCTAssertTrue(byRun.stdout.contains("(8 ids; --json shows all)"), "a cut list says so: \(byRun.stdout)")
        let byOp = try zdsh(["audit", "tail", "--file", log, "--operation", "deleteLabel", "--profile", "staging"], profile: false)
        XCTAssertEqual(byOp.stdout.split(separator: "\n").count, 1, byOp.stdout)
        XCTAssertTrue(byOp.stdout.contains("staging"), byOp.stdout)

        let follower = try Zdsh.launch(["audit", "tail", "-f", "--file", log, "--run", "r4", "--json"], env: env)
        usleep(700_000)
        let handle = FileHandle(forWritingAtPath: log)!
        handle.seekToEndOfFile()
        handle.write(Data((record("r4", "deleteLabel", "prod") + "\n" + record("r5", "deleteLabel", "prod") + "\n").utf8))
        try handle.close()
        usleep(1_200_000)
        kill(follower.pid, SIGTERM)
        let followed = follower.wait(timeout: 10)
        let got = followed.out.split(separator: "\n").compactMap { try? JSON.parse(Array($0.utf8)) }
        XCTAssertEqual(got.map { $0["run_id"] }, ["r4"], followed.out)
    }

    func testPartialFailuresAreRaisedAuditedAndRetriedByResume() throws {
        // The user carries gold but not silver: Zoho answers 200 with silver failed.
        let book = try write("labels.lua", """
            return runbook {
              name = "drop-labels",
              destructive = { "helpcenter.users.remove_labels", "helpcenter.labels.delete" },
              main = function()
                helpcenter.users.remove_labels("\(Self.hc)", "\(Self.user)", { "\(Self.gold)", "\(Self.silver)" })
                helpcenter.labels.delete("\(Self.hc)", "\(Self.silver)")
              end,
            }
            """)
        let audit = home + "/audit.jsonl"
        let first = try zdsh(["run", book, "--allow", "helpcenter.users.remove_labels", "--allow", "helpcenter.labels.delete", "--yes", "--audit", audit])
        XCTAssertEqual(first.status, 5, first.stderr)
        XCTAssertTrue(first.stderr.contains("1 of 2 records failed"), first.stderr)
        XCTAssertTrue(first.stderr.contains("1 partly failed"), first.stderr)
        XCTAssertFalse(mutating.contains { $0.operationId == "deleteLabel" }, "the runbook stopped before deleting the label")
        let outcome = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n")
            .compactMap { try? JSON.parse(Array($0.utf8)) }
            .first { $0["phase"] == "outcome" && $0["operation"] == "removeLabelsFromUser" }
        XCTAssertEqual(outcome?["failed"]?.arrayValue?.first?["id"], .string(Self.silver))
        XCTAssertEqual(outcome?["succeeded"], [.string(Self.gold)])
        XCTAssertEqual(outcome?["sim"], false)

        // The operator fixes the cause (the user gets silver), then resumes.
        let add = try zdsh(["eval", "return helpcenter.labels.add_users('\(Self.hc)', '\(Self.silver)', { '\(Self.user)' })"])
        XCTAssertEqual(add.status, 0, add.stderr)
        guard let runId = first.stderr.split(separator: "\n").first(where: { $0.hasPrefix("zdsh: run ") })?
            .split(separator: " ").dropFirst(2).first.map(String.init) else { return XCTFail(first.stderr) }
        sim.clearRequestLog()
        let resumed = try zdsh(["run", book, "--allow", "helpcenter.users.remove_labels", "--allow", "helpcenter.labels.delete", "--yes", "--audit", audit, "--resume", runId])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(mutating.map(\.operationId), ["removeLabelsFromUser", "deleteLabel"])
        let retried = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n")
            .compactMap { try? JSON.parse(Array($0.utf8)) }
            .last { $0["phase"] == "intent" && $0["operation"] == "removeLabelsFromUser" }
        XCTAssertEqual(retried?["ids"], [.string(Self.user), .string(Self.silver)], "exactly the failed id was retried")
        XCTAssertFalse(sim.resource("labelUsers").contains { $0["userId"]?.stringValue == Self.user && $0["labelId"]?.stringValue == Self.gold })
    }
}
