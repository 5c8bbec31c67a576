import Foundation
import TestSupport
import XCTest

/// What the operator sees cannot be forged, and files stay inside the
/// sandbox — checked on the built binary, as a person (or a script) runs it.
final class OperatorOutputTests: XCTestCase {
    static let root = ZdshBinary.packageRoot
    static let zdsh = ZdshBinary.path
    static let hc = "1892000000150001"
    static let label = "1892000000190001"
    static let secret = "1000.5ecret7oken.c0ffee"

    var scratch: URL!

    override func setUpWithError() throws {
        _ = try ZdshBinary.required()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("zdsh-operator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ZOHO_") }
        env["XDG_STATE_HOME"] = scratch.appendingPathComponent("state").path
        env["XDG_CONFIG_HOME"] = scratch.appendingPathComponent("config").path
        env["ZDSH_NO_PROGRESS"] = "1"
        return env
    }

    func zdsh(_ args: [String]) throws -> ChildProcess.Exit {
        try ChildProcess.run(Self.zdsh, args, environment: environment, directory: Self.root.path, timeout: 60)
    }

    /// A Desk error's hint is a line of its own, never a literal `\n` (issue 32 §1).
    func testAHintIsALineOfItsOwn() throws {
        let r = try zdsh(["eval", "--profile", "nosuch", "return 1"])
        XCTAssertEqual(r.status, 5, r.err)
        XCTAssertFalse(r.err.contains("\\n"), r.err)
        let lines = r.err.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("zdsh: no credentials for profile 'nosuch'") }, r.err)
        XCTAssertTrue(lines.contains { $0.hasPrefix("zdsh: hint: ") }, r.err)
    }

    func assertNoTerminalCommands(_ text: String, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        let bad = text.unicodeScalars.first { s in
            (s.value < 0x20 && s != "\n" && s != "\t") || (0x7F...0x9F).contains(s.value) || (0x202A...0x202E).contains(s.value)
        }
        XCTAssertNil(bad, "\(context): U+\(String(bad?.value ?? 0, radix: 16)) reaches the terminal in \(text.debugDescription)",
                     file: file, line: line)
    }

    // MARK: - Exit codes come from the host's records

    func testForgedDenialTableExits1AndIsNotShownAsADenial() throws {
        for kind in ["denied", "api"] {
            let r = try zdsh(["eval", "error({zdsh_error = '\(kind)', code = 'POLICY_DENIED', message = 'denied: x; nothing was sent. To allow it: --allow y', _text = 'denied: x; nothing was sent. To allow it: --allow y'}, 0)"])
            XCTAssertEqual(r.status, 1, "\(kind): \(r.err)")
            XCTAssertFalse(r.err.hasPrefix("denied:"), r.err)
            XCTAssertFalse(r.err.contains("denied by policy"), r.err)
            XCTAssertTrue(r.err.contains("(error object is a table)"), r.err)
        }
    }

    func testForgedTableWithTostringExits1() throws {
        let r = try zdsh(["eval", "error(setmetatable({}, {__index = function() return 'denied' end, __tostring = function() return 'denied: forged' end}), 0)"])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertFalse(r.err.contains("denied: forged"), r.err)
    }

    func testRealDenialExits3EvenWhenCaught() throws {
        let direct = try zdsh(["eval", "--sim", "return helpcenter.labels.delete('\(Self.hc)', '\(Self.label)')"])
        XCTAssertEqual(direct.status, 3, direct.err)
        XCTAssertTrue(direct.err.contains("denied"), direct.err)
        let caught = try zdsh(["eval", "--sim", "local ok = pcall(helpcenter.labels.delete, '\(Self.hc)', '\(Self.label)') return ok"])
        XCTAssertEqual(caught.status, 3, caught.err)
    }

    // MARK: - Files stay inside the runbook's folder

    func testLinkedSecretsFileCannotBeRequired() throws {
        let folder = scratch.appendingPathComponent("runbook")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let secrets = scratch.appendingPathComponent("secrets.env")
        try "ZOHO_REFRESH_TOKEN=\(Self.secret)\n".write(to: secrets, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("leak.lua").path, withDestinationPath: secrets.path)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("up").path, withDestinationPath: "..")
        try """
            setmetatable(_G, {__index = function(_, k) print("read", k) end,
                              __newindex = function(_, k, v) print("write", k, v) end})
            local ok, e = pcall(require, "up.secrets")
            print(ok, e)
            require "leak"
            """.write(to: folder.appendingPathComponent("main.lua"), atomically: true, encoding: .utf8)
        let r = try zdsh(["run", folder.appendingPathComponent("main.lua").path, "--sim"])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertFalse(r.out.contains("5ecret") || r.err.contains("5ecret"), "\(r.out)\n\(r.err)")
        XCTAssertTrue(r.err.contains("bad argument #1 to 'require'"), r.err)
        XCTAssertTrue(r.err.contains("'leak'"), r.err)
        XCTAssertTrue(r.err.contains("outside"), r.err)
    }

    // MARK: - Escaped output

    func testAuditTailShowsHostileRecordsOneLineEach() throws {
        let log = scratch.appendingPathComponent("audit.jsonl")
        let records = [
            #"{"time":"T1","run_id":"r\u001b[8m","phase":"intent","called_as":"helpcenter.labels.delete","method":"DELETE","path":"/api/v1/labels/1\r\nT0  r0  outcome  desk.fake  DELETE /ok  → 200","ids":["1\u001b[2K"]}"#,
            #"{"time":"T2","run_id":"r","phase":"outcome","called_as":"x\u202e","method":"DELETE","path":"/p","ids":[],"error_code":"E\u009b31m","status":"500\r200"}"#,
        ]
        try (records.joined(separator: "\n") + "\n").write(to: log, atomically: true, encoding: .utf8)
        let r = try zdsh(["audit", "tail", "--file", log.path])
        XCTAssertEqual(r.status, 0, r.err)
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, 2, r.out)
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("T1") || $0.hasPrefix("T2") }, r.out)
        assertNoTerminalCommands(r.out, "audit tail")
        XCTAssertTrue(r.out.contains("/api/v1/labels/1\\r\\nT0"), r.out)
    }

    /// The review's case: an id carrying ESC sequences hid the DESTRUCTIVE
    /// lines of a dry-run plan; CR/LF in it could forge plan lines. Ids are
    /// now validated before they are recorded or shown: such a path is a bad
    /// argument (raw or percent-encoded), and its error is shown escaped.
    func testHostileIdsCannotHideOrForgePlanLines() throws {
        let paths = [#"/api/v1/labels/1\27[1A\27[2K\27[8m\r\n  writes (1 call):\226\128\174"#,
                     "/api/v1/labels/1%1B%5B1A%1B%5B8m%0D%0A%20%20writes%20(1%20call)%3A"]
        for path in paths {
            let r = try zdsh(["eval", "--sim", "--dry-run", "desk.request('DELETE', '\(path)')"])
            XCTAssertEqual(r.status, 2, r.err)  // invalid arguments (issue 25)
            assertNoTerminalCommands(r.err, "plan")
            let lines = r.err.split(separator: "\n")
            XCTAssertFalse(lines.contains { $0.hasPrefix("  writes") || $0.hasPrefix("Plan") && $0.contains("writes") }, r.err)
            XCTAssertTrue(r.err.contains("bad argument"), r.err)
        }
    }

    func testPrintPassesThroughToAPipeUnchanged() throws {
        let r = try zdsh(["eval", #"print("a\27[8mb\rc\td")"#])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "a\u{1B}[8mb\rc\td\n")
    }

    func testErrorMessagesAreEscapedAndStayOnOneLine() throws {
        let r = try zdsh(["eval", #"error("boom\nzdsh: 0 calls (0 writes, 0 destructive, 0 denied) in 0.01s\27[8m", 0)"#])
        XCTAssertEqual(r.status, 1)
        assertNoTerminalCommands(r.err, "error")
        XCTAssertFalse(r.err.split(separator: "\n").contains { $0.hasPrefix("zdsh: 0 calls") }, r.err)
        XCTAssertTrue(r.err.contains(#"boom\nzdsh: 0 calls"#), r.err)
    }

    func testScenarioNamesAndOutputAreEscapedInTheReport() throws {
        let file = scratch.appendingPathComponent("hostile_test.lua")
        try #"""
            describe("x\27[8m", function()
              it("fails\n1 passed, 0 failed", function()
                print("\27[2J\27[Hprinted\r")
                error("boom\27]0;title\7", 0)
              end)
            end)
            """#.write(to: file, atomically: true, encoding: .utf8)
        let r = try zdsh(["test", file.path])
        XCTAssertEqual(r.status, 1, r.err)
        assertNoTerminalCommands(r.out, "zdsh test")
        let summaries = r.out.split(separator: "\n").filter { $0.range(of: #"^\d+ passed, \d+ failed"#, options: .regularExpression) != nil }
        XCTAssertEqual(summaries, ["0 passed, 1 failed"], r.out)
        XCTAssertEqual(r.out.split(separator: "\n").filter { $0.hasPrefix("FAIL") || $0.hasPrefix("PASS") }.count, 1, r.out)
    }

    /// On a terminal (a pty from script(1)), what the runbook prints is
    /// escaped and zdsh resets the attributes before speaking.
    func testOnATerminalRunbookOutputIsEscapedAndZdshResetsAttributes() throws {
        let script = "/usr/bin/script"
        guard FileManager.default.isExecutableFile(atPath: script) else { throw XCTSkip("script(1) is not installed") }
        let code = #"print(\"visible\27[8mconcealed\") error(\"boom\", 0)"#
        let r = try ChildProcess.run(script, ["-qec", "\(Self.zdsh) eval \"\(code)\"", "/dev/null"],
                                     environment: environment, directory: Self.root.path, timeout: 60)
        XCTAssertEqual(r.status, 1, r.out)
        XCTAssertTrue(r.out.contains("visible\\x1B[8mconcealed"), r.out.debugDescription)
        XCTAssertFalse(r.out.contains("\u{1B}[8m"), r.out.debugDescription)
        XCTAssertTrue(r.out.contains("\u{1B}[0mboom"), r.out.debugDescription)
    }
}
