import Foundation
import TestSupport
import XCTest

/// `--json` for automation: stdout carries exactly one JSON document, what
/// Lua prints goes to stderr, and a failure is one JSON object on the last
/// line of stderr whose `code` is the exit code. Every subcommand that shows
/// data, every exit code 0-5, parsed with Foundation's JSON parser.
final class JSONOutputTests: XCTestCase {
    static let root = ZdshBinary.packageRoot
    static let zdsh = ZdshBinary.path
    static let hc = "1892000000150001"
    static let label = "1892000000190001"

    var scratch: URL!

    override func setUpWithError() throws {
        _ = try ZdshBinary.required()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("zdsh-json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ZOHO_") && $0.key != "ZDSH_PROFILE" }
        env["XDG_STATE_HOME"] = scratch.appendingPathComponent("state").path
        env["XDG_CONFIG_HOME"] = scratch.appendingPathComponent("config").path
        env["ZDSH_NO_PROGRESS"] = "1"
        return env
    }

    func zdsh(_ args: [String]) throws -> ChildProcess.Exit {
        try ChildProcess.run(Self.zdsh, args, environment: environment, directory: Self.root.path, timeout: 120)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// stdout, parsed: it must be one JSON document and nothing else.
    func document(_ r: ChildProcess.Exit, file: StaticString = #filePath, line: UInt = #line) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: r.stdout, options: [.fragmentsAllowed])
        } catch {
            XCTFail("stdout is not one JSON document: \(r.out.debugDescription)\nstderr: \(r.err)", file: file, line: line)
            throw error
        }
    }

    /// The error object: the last line of stderr, with `code` the exit code.
    func errorObject(_ r: ChildProcess.Exit, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let last = r.err.split(separator: "\n").last.map(String.init) ?? ""
        guard let o = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] else {
            XCTFail("the last line of stderr is not a JSON object: \(r.err.debugDescription)", file: file, line: line)
            return [:]
        }
        XCTAssertEqual(o["code"] as? Int, Int(r.status), "code matches the exit code", file: file, line: line)
        XCTAssertNotNil(o["message"] as? String, file: file, line: line)
        return o
    }

    // MARK: - eval and run

    func testEvalResultIsTheOnlyThingOnStdoutAndPrintGoesToStderr() throws {
        let r = try zdsh(["eval", "--json", "print('hello from lua') return {a = 1, list = {1, 2}}"])
        XCTAssertEqual(r.status, 0, r.err)
        let doc = try document(r) as? [String: Any]
        let result = doc?["result"] as? [String: Any]
        XCTAssertEqual(result?["a"] as? Int, 1)
        XCTAssertEqual(result?["list"] as? [Int], [1, 2])
        XCTAssertTrue(r.err.contains("hello from lua"), r.err)
        XCTAssertFalse(r.out.contains("hello"), r.out)
    }

    func testEvalWithCallsCarriesASummary() throws {
        let r = try zdsh(["eval", "--sim", "--json", "return #helpcenter.help_centers.list()"])
        XCTAssertEqual(r.status, 0, r.err)
        let doc = try XCTUnwrap(try document(r) as? [String: Any])
        XCTAssertEqual(doc["result"] as? Int, 1)
        let summary = try XCTUnwrap(doc["summary"] as? [String: Any], "\(doc)")
        XCTAssertEqual(summary["calls"] as? Int, 1)
        XCTAssertEqual(summary["denied"] as? Int, 0)
    }

    func testRunDryRunCarriesThePlan() throws {
        let r = try zdsh(["run", "stdlib/examples/retire_label.lua", "--sim", "--json", "--dry-run", "--param", "label=\(Self.label)",
                          "--allow", "helpcenter.labels.*"])
        XCTAssertEqual(r.status, 0, r.err)
        let doc = try XCTUnwrap(try document(r) as? [String: Any])
        let plan = try XCTUnwrap(doc["plan"] as? [String: Any], "\(doc)")
        XCTAssertEqual((plan["calls"] as? [Any])?.count, 5, "\(plan)")
        let summary = try XCTUnwrap(doc["summary"] as? [String: Any])
        XCTAssertEqual(summary["dry_run"] as? Bool, true)
        XCTAssertNotNil(summary["run_id"] as? String)
    }

    func testLuaErrorExits1WithAJSONError() throws {
        let r = try zdsh(["eval", "--json", "print('before') error('boom')"])
        XCTAssertEqual(r.status, 1, r.err)
        let doc = try XCTUnwrap(try document(r) as? [String: Any])
        XCTAssertTrue(doc["result"] is NSNull)
        let e = try errorObject(r)
        XCTAssertTrue((e["message"] as? String)?.contains("boom") == true, "\(e)")
        XCTAssertEqual((doc["error"] as? [String: Any])?["code"] as? Int, 1)
    }

    func testUsageErrorExits2WithAJSONError() throws {
        let bad = try zdsh(["eval", "--json", "--no-such-flag", "return 1"])
        XCTAssertEqual(bad.status, 2, bad.err)
        _ = try errorObject(bad)
        XCTAssertEqual(bad.out, "")
        let noFile = try zdsh(["run", "--json", scratch.appendingPathComponent("missing.lua").path])
        XCTAssertEqual(noFile.status, 2, noFile.err)
        _ = try document(noFile)
        XCTAssertTrue((try errorObject(noFile)["message"] as? String)?.contains("cannot read") == true, noFile.err)
    }

    func testDenialExits3NamingTheOperationAndIds() throws {
        let r = try zdsh(["eval", "--sim", "--json", "return helpcenter.labels.delete('\(Self.hc)', '\(Self.label)')"])
        XCTAssertEqual(r.status, 3, r.err)
        _ = try document(r)
        let e = try errorObject(r)
        XCTAssertEqual(e["operation"] as? String, "deleteLabel", "\(e)")
        XCTAssertEqual(e["error_code"] as? String, "POLICY_DENIED", "\(e)")
        XCTAssertEqual(e["failed"] as? [String], [Self.label], "\(e)")
        // Caught by the runbook: still 3, still a JSON error.
        let caught = try zdsh(["eval", "--sim", "--json", "local ok = pcall(helpcenter.labels.delete, '\(Self.hc)', '\(Self.label)') return ok"])
        XCTAssertEqual(caught.status, 3, caught.err)
        XCTAssertEqual((try document(caught) as? [String: Any])?["result"] as? Bool, false)
        XCTAssertEqual(try errorObject(caught)["failed"] as? [String], [Self.label])
    }

    func testLimitExits4AndStdoutStillParses() throws {
        let r = try zdsh(["eval", "--json", "--max-output", "4", "local t = {} for i = 1, 1e5 do t[i] = {n = i} end return t"])
        XCTAssertEqual(r.status, 4, r.err)
        _ = try document(r)
        _ = try errorObject(r)
        let spin = try zdsh(["eval", "--json", "--max-instructions", "100000", "while true do end"])
        XCTAssertEqual(spin.status, 4, spin.err)
        _ = try document(spin)
        _ = try errorObject(spin)
    }

    func testApiErrorExits5WithStatusAndOperation() throws {
        let r = try zdsh(["eval", "--sim", "--json", "return desk.tickets.get('1892000009999999')"])
        XCTAssertEqual(r.status, 5, r.err)
        _ = try document(r)
        let e = try errorObject(r)
        XCTAssertEqual(e["status"] as? Int, 404, "\(e)")
        XCTAssertNotNil(e["operation"] as? String, "\(e)")
    }

    // MARK: - The other subcommands

    func testApiShowAndListAreJSON() throws {
        let show = try zdsh(["api", "show", "helpcenter.labels.remove_users", "--json"])
        XCTAssertEqual(show.status, 0, show.err)
        let op = try XCTUnwrap(try document(show) as? [String: Any])
        XCTAssertEqual(op["operation"] as? String, "removeLabelsFromUsers")
        XCTAssertEqual(op["safety"] as? String, "destructive")
        XCTAssertEqual(op["method"] as? String, "POST")
        let list = try zdsh(["api", "list", "labels", "--json"])
        XCTAssertEqual(list.status, 0, list.err)
        XCTAssertGreaterThan((try document(list) as? [Any])?.count ?? 0, 3)
        let aliases = try zdsh(["api", "aliases", "--json"])
        XCTAssertEqual(aliases.status, 0, aliases.err)
        let rows = try XCTUnwrap(try document(aliases) as? [[String: Any]])
        XCTAssertTrue(rows.contains { $0["name"] as? String == "delete_profile" && $0["operation"] as? String == "deleteProfile" }, "\(rows)")
        let missing = try zdsh(["api", "show", "no.such.thing", "--json"])
        XCTAssertEqual(missing.status, 2, missing.err)
        XCTAssertEqual(missing.out, "")
        _ = try errorObject(missing)
    }

    func testDescribeIsJSONAndItsErrorsToo() throws {
        let ok = try zdsh(["describe", "stdlib/examples/retire_label.lua", "--json"])
        XCTAssertEqual(ok.status, 0, ok.err)
        XCTAssertEqual((try document(ok) as? [String: Any])?["name"] as? String, "retire-label")
        let broken = try write("broken.lua", "return runbook {")
        let bad = try zdsh(["describe", broken, "--json"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertEqual(bad.out, "")
        _ = try errorObject(bad)
    }

    func testRunsAndAuditTailAreOneDocument() throws {
        let empty = try zdsh(["runs", "--json"])
        XCTAssertEqual(empty.status, 0, empty.err)
        XCTAssertEqual((try document(empty) as? [Any])?.count, 0)
        let run = try zdsh(["run", "stdlib/examples/retire_label.lua", "--sim", "--param", "label=\(Self.label)",
                            "--allow", "helpcenter.labels.*", "--yes", "--json"])
        XCTAssertEqual(run.status, 0, run.err)
        let runs = try zdsh(["runs", "--json"])
        let list = try XCTUnwrap(try document(runs) as? [[String: Any]])
        XCTAssertEqual(list.count, 1)
        XCTAssertEqual(list.first?["state"] as? String, "complete")
        let audit = try zdsh(["audit", "tail", "--sim", "--json", "-n", "100"])
        XCTAssertEqual(audit.status, 0, audit.err)
        let records = try XCTUnwrap(try document(audit) as? [[String: Any]])
        XCTAssertTrue(records.contains { $0["operation"] as? String == "deleteLabel" }, "\(records)")
    }

    func testApplyIsJSON() throws {
        let plan = scratch.appendingPathComponent("plan.json").path
        let dry = try zdsh(["run", "stdlib/examples/retire_label.lua", "--sim", "--dry-run", "--plan-out", plan,
                            "--param", "label=\(Self.label)", "--allow", "helpcenter.labels.*"])
        XCTAssertEqual(dry.status, 0, dry.err)
        let refused = try zdsh(["apply", plan, "--json", "--yes"])
        XCTAssertEqual(refused.status, 3, refused.err)
        _ = try document(refused)
        XCTAssertTrue((try errorObject(refused)["message"] as? String)?.contains("refusing to apply") == true, refused.err)
        let applied = try zdsh(["apply", plan, "--json", "--yes", "--allow", "helpcenter.labels.*"])
        XCTAssertEqual(applied.status, 0, applied.err)
        let summary = (try document(applied) as? [String: Any])?["summary"] as? [String: Any]
        XCTAssertEqual(summary?["applied"] as? Int, 5, "\(String(describing: summary))")
    }

    func testScenarioReportIsJSON() throws {
        let folder = scratch.appendingPathComponent("suite")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
            describe("json", function()
              it("passes", function() expect(1).to_equal(1) end)
              it("fails", function() expect(1).to_equal(2) end)
            end)
            """.write(to: folder.appendingPathComponent("one_test.lua"), atomically: true, encoding: .utf8)
        let r = try zdsh(["test", folder.path, "--json"])
        XCTAssertEqual(r.status, 1, r.err)
        let report = try XCTUnwrap(try document(r) as? [String: Any])
        XCTAssertEqual(report["passed"] as? Int, 1)
        XCTAssertEqual(report["failed"] as? Int, 1)
        let scenarios = try XCTUnwrap(report["scenarios"] as? [[String: Any]])
        XCTAssertEqual(scenarios.map { $0["status"] as? String }, ["passed", "failed"])
        XCTAssertNotNil((scenarios[1]["failure"] as? [String: Any])?["message"] as? String)
        _ = try errorObject(r)
        let passing = try zdsh(["test", folder.path, "--json", "--filter", "passes"])
        XCTAssertEqual(passing.status, 0, passing.err)
        XCTAssertEqual((try document(passing) as? [String: Any])?["passed"] as? Int, 1)
        let none = try zdsh(["test", folder.path, "--json", "--filter", "zzz"])
        XCTAssertEqual(none.status, 2, none.err)
        _ = try errorObject(none)
    }

    func testAuthStatusIsJSON() throws {
        let r = try zdsh(["auth", "status", "--profile", "nobody", "--json"])
        XCTAssertEqual(r.status, 5, r.err)
        XCTAssertEqual(r.out, "")
        XCTAssertTrue((try errorObject(r)["message"] as? String)?.contains("no stored profile") == true, r.err)
    }
}
