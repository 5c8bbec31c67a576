import DeskSim
import Foundation
import JSONValue
import TestSupport
import XCTest

/// Issue 26, items 3 and 6, through the `zdsh` binary: every byte of an
/// error counts toward --max-output (the report, the traceback, the --json
/// document and its stderr line, which stay valid JSON), and a summary and
/// the audit log say what was sent when a cap stops a `desk.each`.
final class HostileRunTests: XCTestCase {
    var home: String!

    override func setUp() { home = Zdsh.tempDir("hostile-run") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: home) }

    /// Errors a runbook makes as large as it likes: a 30 MB message, one
    /// under a deep traceback, an error table, control bytes that grow when
    /// escaped — at --max-output 16, with and without --json. Everything
    /// written fits in 16 KB plus the markers, and the JSON still parses.
    func testErrorsStayWithinMaxOutput() throws {
        let env = Zdsh.environment(home: home)
        let chunks = [
            "error(string.rep('x', 3e7))",
            "local function f(n) if n == 0 then error(string.rep('y', 1e6)) end return f(n - 1) + 1 end return f(50)",
            "error({message = string.rep('z', 1e7), code = string.rep('c', 1e6)})",
            "error(string.rep('\\1\\27', 1e6))",
            "print(string.rep('p', 15000)) error(string.rep('e', 1e6))",
        ]
        for code in chunks {
            for json in [false, true] {
                let r = try Zdsh.run(["eval", "--max-output", "16"] + (json ? ["--json"] : []) + [code], env: env)
                let written = r.stdout.utf8.count + r.stderr.utf8.count
                XCTAssertNotEqual(r.status, 0, code)
                XCTAssertLessThan(written, (16 << 10) + 2048, "\(code) json=\(json): \(written) bytes written")
                // (An error table is shown in short already: no cut to mark.)
                if !code.hasPrefix("error({") {
                    XCTAssertTrue(r.stdout.contains("truncated") || r.stderr.contains("truncated"), "\(code): a marker says so")
                }
                if json {
                    XCTAssertNotNil(try? JSON.parse(r.stdout), "\(code): stdout is one JSON document: \(r.stdout.prefix(300))")
                    let last = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
                    XCTAssertNotNil(try? JSON.parse(last), "\(code): the error line parses: \(last.prefix(300))")
                }
                print("HOSTILE output: \(written) bytes for \(code.prefix(40))… json=\(json), exit \(r.status)")
            }
        }
    }

    /// `desk.each` over six contacts at --max-destructive 3: the fourth call
    /// trips the cap, and the calls before it that had not left by then are
    /// not sent. The summary counts as destructive exactly the requests the
    /// server received, the refused call as denied, and every intent in the
    /// audit log has an outcome. Three trials: the race is timing-dependent.
    func testACapUnderDeskEachSummarisesWhatWasSent() async throws {
        for trial in 1...3 {
            let served = ServedSimulator(tag: "cap-each")
            try await served.start()
            let ids = (1...6).map { "'18920000001600\(String(format: "%02d", $0))'" }.joined(separator: ", ")
            let audit = served.home + "/audit.jsonl"
            let code = "return desk.each({\(ids)}, function(id) return desk.contacts.move_to_trash({id}) end, {concurrency = 4})"
            let r = try Zdsh.run(["eval", code, "--profile", "cap", "--allow", "desk.contacts.move_to_trash", "--yes",
                                  "--max-destructive", "3", "--json", "--audit", audit], env: served.env)
            XCTAssertEqual(r.status, 3, r.stderr)
            let summary = try JSON.parse(Array(r.stdout.utf8))["summary"]
            let sent = served.mutating.filter { $0.operationId == "deleteContact" }.count
            XCTAssertEqual(summary?["destructive"]?.intValue, Int64(sent), "trial \(trial): \(r.stdout) \(r.stderr)")
            XCTAssertGreaterThanOrEqual(summary?["denied"]?.intValue ?? 0, 1, r.stdout)
            let records = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n")
                .compactMap { try? JSON.parse(Array($0.utf8)) }
            let intents = records.filter { $0["phase"] == "intent" }.count
            let outcomes = records.filter { $0["phase"] == "outcome" }.count
            XCTAssertEqual(intents, outcomes, "trial \(trial): every intent has an outcome: \(records)")
            print("HOSTILE cap under desk.each, trial \(trial): \(sent) sent, summary \(summary?.encoded() ?? "-"), \(intents) intents, \(outcomes) outcomes")
            await served.stop()
        }
    }

    /// `zdsh sim serve` refuses a latency or port out of range (a usage
    /// error), instead of trapping on the first request.
    func testSimServeRefusesNumbersOutOfRange() throws {
        let env = Zdsh.environment(home: home)
        for args in [["--latency", "9223372036854775807"], ["--latency", "-1"], ["--port", "70000"]] {
            let r = try Zdsh.run(["sim", "serve"] + args, env: env, timeout: 20)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
        }
    }
}
