import Foundation
import TestSupport
import XCTest

/// The command line as a person uses it: the built binary as a subprocess.
final class CLITests: XCTestCase {
    static let root = ZdshBinary.packageRoot
    static let zdsh = ZdshBinary.path

    /// `cpuSeconds`: the child's CPU time (CPUTime), the bound a loaded
    /// machine cannot inflate, unlike the clock.
    struct Outcome { let status: Int32; let out: String; let err: String; let cpuSeconds: Double }

    func zdsh(_ args: [String], env: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
        _ = try ZdshBinary.required()
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = NSTemporaryDirectory() + "zdsh-cli-\(UUID().uuidString)"
        environment["XDG_CONFIG_HOME"] = NSTemporaryDirectory() + "zdsh-cli-\(UUID().uuidString)"
        for (k, v) in env { environment[k] = v }
        let (r, cpu) = try CPUTime.ofChildren {
            try ChildProcess.run(Self.zdsh, args, environment: environment, directory: Self.root.path)
        }
        return Outcome(status: r.status, out: r.out, err: r.err, cpuSeconds: cpu)
    }

    func testEvalPrintsResult() throws {
        let r = try zdsh(["eval", "return 1+1"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.out, "2\n")
    }

    /// Without --sim or --profile and nothing configured: code that never
    /// calls the API runs, a call fails at once saying why, and no
    /// connection store is created on the way.
    func testEvalWithoutAProfileFailsAtTheFirstCallOnly() throws {
        let config = NSTemporaryDirectory() + "zdsh-cli-\(UUID().uuidString)"
        let env = ["XDG_CONFIG_HOME": config, "ZOHO_REFRESH_TOKEN": "", "ZDSH_PROFILE": ""]
        XCTAssertEqual(try zdsh(["eval", "return 1+1"], env: env).out, "2\n")
        let r = try zdsh(["eval", "return desk.tickets.list()"], env: env)
        XCTAssertEqual(r.status, 5)
        XCTAssertTrue(r.err.contains("no credentials for profile 'default'"), r.err)
        // "At once" is the event: no retry (a retry waits, which no clock
        // bound could tell from a loaded machine).
        XCTAssertFalse(r.err.contains("attempt"), "not retried: \(r.err)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: config + "/zdsh/connections.sqlite"))
    }

    func testVersionNamesLua() throws {
        let r = try zdsh(["--version"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.out.contains("Lua 5.4."), r.out)
    }

    func testTimeoutEndsWithExit4() throws {
        let r = try zdsh(["eval", "while true do end", "--timeout", "1"])
        XCTAssertEqual(r.status, 4)
        XCTAssertTrue(r.err.contains("time limit exceeded"), r.err)
        XCTAssertTrue(r.err.contains("--timeout"), r.err)
        XCTAssertLessThan(r.cpuSeconds, 4, "a loop the limit missed spins")
    }

    func testMemoryBombEndsWithExit4() throws {
        let r = try zdsh(["eval", "local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(64) .. i end", "--max-memory", "64"])
        XCTAssertEqual(r.status, 4)
        XCTAssertTrue(r.err.contains("memory limit of 64 MB exceeded"), r.err)
        XCTAssertTrue(r.err.contains("--max-memory"), r.err)
        XCTAssertLessThan(r.cpuSeconds, 20)
    }

    func testLuaErrorExit1WithPosition() throws {
        let r = try zdsh(["eval", "local x = nil\nreturn x.y"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("eval:2:"), r.err)
    }

    func testUsageErrorsExit2() throws {
        XCTAssertEqual(try zdsh(["eval"]).status, 2)
        XCTAssertEqual(try zdsh(["run", "stdlib/examples/retire_label.lua", "--sim"]).status, 2, "missing parameter")
        let r = try zdsh(["run", "stdlib/examples/retire_label.lua", "--sim", "--param", "label=abc"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("parameter 'label'"), r.err)
    }

    func testSimulatorListsProfiles() throws {
        let r = try zdsh(["eval", "--sim", "return desk.profiles.list()"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("Name: Administrator"), r.out)
        XCTAssertTrue(r.out.contains("Name: Contractors"), r.out)
    }

    func testRunbookDeniedThenAllowed() throws {
        let args = ["run", "stdlib/examples/retire_label.lua", "--sim", "--param", "label=1892000000190001"]
        let denied = try zdsh(args + ["--yes"])
        XCTAssertEqual(denied.status, 3, denied.err)
        XCTAssertTrue(denied.err.contains("--allow helpcenter.labels.remove_users"), denied.err)
        let allowed = try zdsh(args + ["--allow", "helpcenter.labels.*", "--yes"])
        XCTAssertEqual(allowed.status, 0, allowed.err)
        XCTAssertTrue(allowed.out.contains("users_removed: 4"), allowed.out)
        XCTAssertTrue(allowed.err.contains("5 destructive, 0 denied"), allowed.err)
    }

    func testNoTerminalRefusesDestructiveWithoutYes() throws {
        let r = try zdsh(["run", "stdlib/examples/retire_profile.lua", "--sim", "--param", "profile=1892000000100004",
                          "--param", "transfer_to=1892000000100002", "--allow", "desk.profiles.delete"])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.err.contains("pass --yes"), r.err)
    }

    func testDryRunPlanAndApply() throws {
        let plan = NSTemporaryDirectory() + "zdsh-plan-\(UUID().uuidString).json"
        // One user's state across the commands: the plan is signed with its key.
        let state = ["XDG_STATE_HOME": NSTemporaryDirectory() + "zdsh-cli-\(UUID().uuidString)"]
        let dry = try zdsh(["run", "stdlib/examples/retire_label.lua", "--sim", "--param", "label=1892000000190001",
                            "--dry-run", "--plan-out", plan], env: state)
        XCTAssertEqual(dry.status, 0, dry.err)
        XCTAssertTrue(dry.err.contains("DESTRUCTIVE (5 calls)"), dry.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: plan))
        let refused = try zdsh(["apply", plan, "--sim", "--yes"], env: state)
        XCTAssertEqual(refused.status, 3, "no grant: \(refused.err)")
        let applied = try zdsh(["apply", plan, "--sim", "--yes", "--allow", "helpcenter.labels.*"], env: state)
        XCTAssertEqual(applied.status, 0, applied.err)
        XCTAssertTrue(applied.err.contains("applied 5 calls"), applied.err)
    }

    func testApplyRefusesAChangedRunbook() throws {
        let dir = NSTemporaryDirectory() + "zdsh-apply-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let book = dir + "/book.lua"
        try String(contentsOfFile: Self.root.path + "/stdlib/examples/retire_label.lua", encoding: .utf8)
            .write(toFile: book, atomically: true, encoding: .utf8)
        let plan = dir + "/plan.json"
        let state = ["XDG_STATE_HOME": dir + "/state"]
        XCTAssertEqual(try zdsh(["run", book, "--sim", "--param", "label=1892000000190001", "--dry-run", "--plan-out", plan], env: state).status, 0)
        try (String(contentsOfFile: book, encoding: .utf8) + "\n-- edited\n").write(toFile: book, atomically: true, encoding: .utf8)
        let r = try zdsh(["apply", plan, "--sim", "--yes", "--allow", "helpcenter.labels.*"], env: state)
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.err.contains("changed since the plan was made"), r.err)
    }

    func testDescribeAndApiShow() throws {
        let d = try zdsh(["describe", "stdlib/examples/offboard_user.lua"])
        XCTAssertEqual(d.status, 0)
        XCTAssertTrue(d.out.contains("--param user=<id>"), d.out)
        let s = try zdsh(["api", "show", "delete_profile"])
        XCTAssertTrue(s.out.contains("POST /api/v1/profiles/{profileId}/delete"), s.out)
        let l = try zdsh(["api", "list", "--destructive"])
        XCTAssertTrue(l.err.contains("151 operations"), l.err)  // destructive as such (114) or under some arguments (37)
    }

    func testAuditTailIsReadable() throws {
        let audit = NSTemporaryDirectory() + "zdsh-audit-\(UUID().uuidString).jsonl"
        _ = try zdsh(["run", "stdlib/examples/retire_label.lua", "--sim", "--param", "label=1892000000190001",
                      "--allow", "helpcenter.labels.*", "--yes", "--audit", audit])
        let t = try zdsh(["audit", "tail", "--file", audit, "-n", "4"])
        XCTAssertEqual(t.status, 0)
        XCTAssertEqual(t.out.split(separator: "\n").count, 4)
        XCTAssertTrue(t.out.contains("helpcenter.labels.delete"), t.out)
    }
}
