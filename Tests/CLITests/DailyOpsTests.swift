import Foundation
import JSONValue
import TestSupport
import XCTest

/// Issue 32, daily ops: hints as text, `error(msg, 0)`, `-o csv`, tables and
/// time bounds for `runs` and `audit tail`, `runs show`, limits that stop a
/// run (not fail it), summaries that count what was sent — each as a person
/// runs the binary.
final class DailyOpsTests: XCTestCase {
    static let root = ZdshBinary.packageRoot
    static let ticket = "1892000000220001"
    var scratch: URL!

    override func setUpWithError() throws {
        _ = try ZdshBinary.required()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("zdsh-daily-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ZOHO_") && !$0.key.hasPrefix("ZDSH_") }
        env["XDG_STATE_HOME"] = scratch.appendingPathComponent("state").path
        env["XDG_CONFIG_HOME"] = scratch.appendingPathComponent("config").path
        env["ZDSH_NO_PROGRESS"] = "1"
        return env
    }

    func zdsh(_ args: [String]) throws -> ChildProcess.Exit {
        try ChildProcess.run(ZdshBinary.path, args, environment: environment, directory: Self.root.path, timeout: 90)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    // MARK: - §1 hints, §8 error(msg, 0)

    /// An API error raised inside Lua (directly, and re-raised with `error(e)`)
    /// shows its hint on a line of its own, not after a literal `\n`.
    func testAnAPIErrorRaisedInLuaShowsItsHintOnALine() throws {
        for code in [#"return desk.tickets.get("1")"#, #"local ok, e = pcall(desk.tickets.get, "1"); error(e)"#] {
            let r = try zdsh(["eval", "--sim", code])
            XCTAssertEqual(r.status, 5, r.err)
            XCTAssertFalse(r.err.contains(#"\nhint"#), r.err)
            XCTAssertTrue(r.err.split(separator: "\n").contains { $0.hasPrefix("hint: The id may not exist") }, r.err)
        }
        // The REPL too.
        let repl = try ChildProcess.run(ZdshBinary.path, ["repl", "--sim"], environment: environment,
                                        input: .data(Data("desk.tickets.get(\"1\")\n".utf8)), timeout: 60)
        XCTAssertFalse(repl.err.contains(#"\nhint"#), repl.err)
        XCTAssertTrue(repl.err.contains("\nhint: The id may not exist"), repl.err)
    }

    /// A server's newline inside a line still cannot start a line of its own.
    func testAServersNewlineStaysEscapedInsideAnErrorLine() throws {
        let r = try zdsh(["eval", "--sim", #"desk.request("GET", "/api/v1/tickets/1\nzdsh: forged")"#])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertFalse(r.err.split(separator: "\n").contains { $0.hasPrefix("zdsh: forged") }, r.err)
    }

    func testErrorWithLevelZeroPrintsJustTheMessage() throws {
        let plain = try zdsh(["eval", #"error("boom", 0)"#])
        XCTAssertEqual(plain.status, 1)
        XCTAssertEqual(plain.err, "boom\n")
        // With a position the traceback stays; --verbose always shows it.
        let positioned = try zdsh(["eval", #"error("boom")"#])
        XCTAssertTrue(positioned.err.contains("stack traceback"), positioned.err)
        let verbose = try zdsh(["eval", "--verbose", #"error("boom", 0)"#])
        XCTAssertTrue(verbose.err.contains("stack traceback"), verbose.err)
    }

    // MARK: - §2 output

    func testCsvIsRFC4180WithDottedColumnsAndArraysAsJSON() throws {
        let code = #"return {{id = "1", subject = 'a, "b"', assignee = {email = "x@y"}, tags = {"p", "q"}}, {id = "2", subject = "two\nlines"}}"#
        let r = try zdsh(["eval", "-o", "csv", code])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "id,assignee.email,subject,tags\r\n1,x@y,\"a, \"\"b\"\"\",\"[\"\"p\"\",\"\"q\"\"]\"\r\n2,,\"two\nlines\",\n")
        let picked = try zdsh(["eval", "-o", "csv=id,assignee.email", code])
        XCTAssertEqual(picked.out, "id,assignee.email\r\n1,x@y\r\n2,\n")
    }

    func testRunsAndAuditTailTakeTablesCsvAndTimeBounds() throws {
        let runbook = try write("touch.lua", """
            return runbook{ name = "touch", writes = { "desk.tickets.update" },
              main = function() desk.tickets.update("\(Self.ticket)", { subject = "touched" }) end }
            """)
        let run = try zdsh(["run", runbook, "--sim", "--max-writes", "5"])
        XCTAssertEqual(run.status, 0, run.err)
        let table = try zdsh(["runs", "-o", "table"])
        XCTAssertEqual(table.status, 0, table.err)
        XCTAssertTrue(table.out.hasPrefix("ID "), table.out)
        XCTAssertTrue(table.out.contains("simulator") && table.out.contains("complete"), table.out)
        let csv = try zdsh(["runs", "-o", "csv=state,target"])
        XCTAssertEqual(csv.out, "state,target\r\ncomplete,simulator\n")
        let audit = try zdsh(["audit", "tail", "--sim", "-o", "csv=phase,operation,status", "--since", "1h"])
        XCTAssertEqual(audit.status, 0, audit.err)
        XCTAssertEqual(audit.out, "phase,operation,status\r\nintent,updateTicket,\r\noutcome,updateTicket,200\n")
        let old = try zdsh(["audit", "tail", "--sim", "-o", "table", "--until", "2020-01-01"])
        XCTAssertEqual(old.out, "")
        XCTAssertTrue(old.err.contains("no matching audit records"), old.err)
        let bad = try zdsh(["audit", "tail", "--since", "yesterday-ish"])
        XCTAssertEqual(bad.status, 2, bad.err)
    }

    // MARK: - §3 runs show

    func testRunsShowTellsEverythingAboutARun() throws {
        let runbook = try write("touch.lua", """
            return runbook{ name = "touch", params = { ticket = { type = "id", required = true } },
              writes = { "desk.tickets.update" },
              main = function(p) desk.tickets.update(p.ticket, { subject = "touched" }); error("stop here", 0) end }
            """)
        let run = try zdsh(["run", runbook, "--sim", "--max-writes", "5", "--param", "ticket=\(Self.ticket)"])
        XCTAssertEqual(run.status, 1, run.err)
        let id = try XCTUnwrap(run.err.split(separator: "\n").first { $0.hasPrefix("zdsh: run ") }?.split(separator: " ")[2])
        let show = try zdsh(["runs", "show", String(id)])
        XCTAssertEqual(show.status, 0, show.err)
        for expected in ["target:      the simulator", "state:       failed", "ticket = \"\(Self.ticket)\"",
                         "writes and deletions: 1 ok", "resume:      zdsh run \(runbook) --param ticket=\(Self.ticket) --sim --resume \(id)"] {
            XCTAssertTrue(show.out.contains(expected), "\(expected) in\n\(show.out)")
        }
        let json = try JSON.parse(Array(try zdsh(["runs", "show", String(id), "--json"]).stdout))
        XCTAssertEqual(json["calls_by_outcome"]?["ok"], .int(1))
        XCTAssertEqual(json["progress"]?["completed"], .int(1))
        XCTAssertEqual(json["parameters"]?["ticket"], .string(Self.ticket))
        XCTAssertNotNil(json["resume_command"])
        let missing = try zdsh(["runs", "show", "nope"])
        XCTAssertEqual(missing.status, 2)
    }

    func testRunsShowLinksADryRunToTheApplyOfItsPlan() throws {
        let runbook = try write("touch.lua", """
            return runbook{ name = "touch", writes = { "desk.tickets.update" },
              main = function() desk.tickets.update("\(Self.ticket)", { subject = "planned" }) end }
            """)
        let plan = scratch.appendingPathComponent("plan.json").path
        let dry = try zdsh(["run", runbook, "--sim", "--dry-run", "--plan-out", plan])
        XCTAssertEqual(dry.status, 0, dry.err)
        let planJSON = try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: plan))))
        let id = try XCTUnwrap(planJSON["id"]?.stringValue)
        let apply = try zdsh(["apply", plan, "--yes"])
        XCTAssertEqual(apply.status, 0, apply.err)
        let show = try zdsh(["runs", "show", id])
        XCTAssertTrue(show.out.contains("plan:        made by this dry run"), show.out)
        XCTAssertTrue(show.out.contains("plan applied by: plan-\(id) (complete)"), show.out)
        let applied = try zdsh(["runs", "show", "plan-\(id)"])
        XCTAssertTrue(applied.out.contains("applies the plan of: \(id) (dry run)"), applied.out)
    }

    // MARK: - §4 limits and counting

    func testARunStoppedByItsTimeLimitIsStoppedAndResumable() throws {
        let runbook = try write("slow.lua", """
            return runbook{ name = "slow", main = function() while true do end end }
            """)
        let r = try zdsh(["run", runbook, "--sim", "--timeout", "1"])
        XCTAssertEqual(r.status, 4, r.err)
        XCTAssertTrue(r.err.contains("to finish the job (raise --timeout if it needs more): "), r.err)
        XCTAssertTrue(r.err.contains("--resume "), r.err)
        let runs = try zdsh(["runs"])
        XCTAssertTrue(runs.out.contains("stopped (time limit)"), runs.out)
        XCTAssertFalse(runs.out.contains("failed"), runs.out)
    }

    func testARunStoppedByACapIsStoppedAndFinishesWhenResumedWithMoreRoom() throws {
        let runbook = try write("three.lua", """
            return runbook{ name = "three", writes = { "desk.tickets.update" },
              main = function()
                for _, t in ipairs({ "\(Self.ticket)", "1892000000220002", "1892000000220003" }) do
                  desk.tickets.update(t, { subject = "capped" })
                end
              end }
            """)
        // --no-undo: no read before each update, so the cap counts the updates alone.
        let r = try zdsh(["run", runbook, "--sim", "--max-writes", "5", "--max-calls", "2", "--no-undo"])
        XCTAssertEqual(r.status, 3, r.err)
        let line = try XCTUnwrap(r.err.split(separator: "\n").first { $0.contains("to finish the job (raise --max-calls if it needs more): ") }, r.err)
        let id = try XCTUnwrap(line.components(separatedBy: "--resume ").last)
        XCTAssertTrue(try zdsh(["runs"]).out.contains("stopped (call cap)"))
        let resumed = try zdsh(["run", runbook, "--sim", "--max-writes", "5", "--no-undo", "--resume", id])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertTrue(resumed.err.contains("zdsh: 1 call (1 write, 0 destructive, 0 denied, 2 skipped (done before the resume))"), resumed.err)
    }

    func testAResumedRunCountsSkippedCallsApartFromSentOnes() throws {
        let runbook = try write("two.lua", """
            return runbook{ name = "two", writes = { "desk.tickets.update" },
              main = function()
                desk.tickets.update("\(Self.ticket)", { subject = "one" })
                desk.tickets.update("1892000000220002", { subject = "two" })
                desk.tickets.get("1")
              end }
            """)
        let first = try zdsh(["run", runbook, "--sim", "--max-writes", "5"])
        XCTAssertEqual(first.status, 5, first.err)
        // 3 calls and the 2 reads before the updates (the values `zdsh undo` restores).
        XCTAssertTrue(first.err.contains("zdsh: 5 calls (2 writes"), first.err)
        let id = try XCTUnwrap(first.err.split(separator: "\n").first { $0.hasPrefix("zdsh: run ") }?.split(separator: " ")[2])
        // The simulator is in-process: its state starts afresh, and the
        // journal says both updates were done.
        let resumed = try zdsh(["run", runbook, "--sim", "--max-writes", "5", "--resume", String(id)])
        XCTAssertTrue(resumed.err.contains("zdsh: 1 call (0 writes, 0 destructive, 0 denied, 2 skipped (done before the resume))"), resumed.err)
        let show = try zdsh(["runs", "show", String(id)])
        XCTAssertTrue(show.out.contains("skipped on resume: 2"), show.out)
    }

    /// A resumed run's skipped calls never left: an interrupt does not list them as in flight.
    func testAnInterruptedResumedRunListsNoSkippedCallInFlight() throws {
        let runbook = try write("spin.lua", """
            return runbook{ name = "spin", writes = { "desk.tickets.update" },
              main = function()
                desk.tickets.update("\(Self.ticket)", { subject = "one" })
                desk.tickets.update("1892000000220002", { subject = "two" })
                -- Another subject each time: a resumed run sends this one again.
                desk.tickets.update("1892000000220003", { subject = "three " .. math.random(1, 1000000000) })
                while true do end
              end }
            """)
        func interrupted(_ extra: [String], auditLines: Int) throws -> String {
            let child = try ChildProcess(ZdshBinary.path, ["run", runbook, "--sim", "--max-writes", "5"] + extra,
                                         environment: environment, directory: Self.root.path)
            let audit = scratch.appendingPathComponent("state/zdsh/audit-sim.jsonl").path
            let deadline = Date().addingTimeInterval(30)
            // Every update answered (resumed: two skipped, the third sent), then the loop spins.
            while Date() < deadline {
                let lines = (try? String(contentsOfFile: audit, encoding: .utf8))?.split(separator: "\n").count ?? 0
                if lines >= auditLines { break }
                usleep(50_000)
            }
            usleep(300_000)
            child.send(SIGINT)
            let r = child.wait(timeout: 30)
            XCTAssertEqual(r.status, 130, r.err)
            return r.err
        }
        let first = try interrupted([], auditLines: 6)
        XCTAssertTrue(first.contains("no call was left in flight"), first)
        let line = try XCTUnwrap(first.split(separator: "\n").first { $0.contains("to finish the job: ") })
        let id = try XCTUnwrap(line.components(separatedBy: "--resume ").last)
        let resumed = try interrupted(["--resume", id], auditLines: 8)
        XCTAssertTrue(resumed.contains("no call was left in flight"), resumed)
        XCTAssertTrue(resumed.contains("2 skipped (done before the resume)"), resumed)
    }

    /// No way to Zoho (no profile stored): the call never left, and the summary says so.
    func testACallThatCouldNotLeaveIsNotCountedAsSent() throws {
        let r = try zdsh(["eval", "return desk.profiles.list()"])
        XCTAssertEqual(r.status, 5, r.err)
        XCTAssertTrue(r.err.contains("zdsh: 0 calls (0 writes, 0 destructive, 0 denied, 1 not sent)"), r.err)
    }

    // MARK: - §7 finding operations

    func testApiListFindsByWordsAndRanksExactMatchesFirst() throws {
        func names(_ query: String) throws -> [String] {
            let r = try zdsh(["api", "list", query, "--json"])
            XCTAssertEqual(r.status, 0, r.err)
            return (try JSON.parse(Array(r.stdout))).arrayValue?.compactMap { $0["operation"]?.stringValue } ?? []
        }
        let tag = try names("tag")
        XCTAssertFalse(tag.contains("getAgent"), "\(tag)")
        XCTAssertFalse(tag.contains { $0.lowercased().contains("agent") }, "\(tag)")
        XCTAssertTrue(tag.contains("associateTicketTags"), "\(tag)")
        let overdue = try names("overdue")
        XCTAssertTrue(overdue.contains("getTickets"), "\(overdue)")
        XCTAssertFalse(try names("unassign").isEmpty)
        XCTAssertFalse(try names("email").isEmpty)
        // Exact matches first.
        let contacts = try names("contacts")
        XCTAssertTrue(contacts.first?.lowercased().contains("contact") ?? false, "\(contacts)")
    }
}
