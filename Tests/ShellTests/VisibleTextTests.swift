import DeskCatalog
import Foundation
import JSONValue
import LuaHost
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// What zdsh shows of hostile text (ids, names, messages, audit records,
/// API values) carries no byte a terminal would obey, and stays on its line.
final class VisibleTextTests: XCTestCase {
    static let hostile = "1\u{1B}[8m2\r3\n4\u{7}5\u{7F}6\u{9B}31m7\u{202E}8\u{2066}9\u{0}\u{2028}end"

    /// No ESC, no C0/C1 control, no DEL, no bidi control, no line separator.
    func assertInert(_ text: String, allowNewlines: Bool = false, _ context: String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
        for scalar in text.unicodeScalars where Terminal.needsEscape(scalar, multiline: allowNewlines) {
            XCTFail("\(context): U+\(String(scalar.value, radix: 16)) reaches the terminal in \(text.debugDescription)", file: file, line: line)
            return
        }
    }

    func testVisibleEscapesEveryControl() {
        XCTAssertEqual(Terminal.visible(Self.hostile),
                       "1\\x1B[8m2\\r3\\n4\\x075\\x7F6\\u{9B}31m7\\u{202E}8\\u{2066}9\\x00\\u{2028}end")
        XCTAssertEqual(Terminal.visible("a\tb\nc\rd\u{1B}", multiline: true), "a\tb\nc\\rd\\x1B")
        XCTAssertEqual(Terminal.visible("plain — ünïcödé 名前 ✓ 🙂‍↔️"), "plain — ünïcödé 名前 ✓ 🙂‍↔️")
        XCTAssertEqual(Terminal.visible("\u{200F}\u{061C}\u{202A}\u{2069}"), "\\u{200F}\\u{61C}\\u{202A}\\u{2069}")
    }

    func testVisibleIsIdempotent() {
        let once = Terminal.visible(Self.hostile)
        XCTAssertEqual(Terminal.visible(once), once)
        XCTAssertEqual(Terminal.visible(once, multiline: true), once)
    }

    func testErrorsGoOutWithAResetOnATerminalOnly() {
        XCTAssertEqual(Terminal.framed("zdsh: x\u{1B}[8m\n", onTerminal: true), "\u{1B}[0mzdsh: x\\x1B[8m\n")
        XCTAssertEqual(Terminal.framed("zdsh: x\n", onTerminal: false), "zdsh: x\n")
    }

    func testReportKeepsAMessageOnOneLineAndTracebackIndented() {
        // With a position: its traceback is shown (`error(msg, 0)` shows the message alone).
        let e = LuaError.runtime(message: "main.lua:1: boom\nzdsh: 0 calls (0 writes, 0 destructive, 0 denied) in 0.01s\u{1B}[8m",
                                 traceback: "stack traceback:\n\t[C]: in ?\nforged line\u{1B}[2K\n\tmain.lua:1: in main chunk",
                                 value: .string("boom"))
        let text = Terminal.reportText(e)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "main.lua:1: boom\\nzdsh: 0 calls (0 writes, 0 destructive, 0 denied) in 0.01s\\x1B[8m")
        XCTAssertEqual(lines.filter { $0.hasPrefix("zdsh:") }, [])
        XCTAssertTrue(lines.contains("\tforged line\\x1B[2K"), text)
        for line in lines.dropFirst(2) { XCTAssertTrue(line.hasPrefix("\t"), line) }
        assertInert(text, allowNewlines: true, "report")
        XCTAssertEqual(Terminal.reportText(.limit(.memory, "x\u{1B}]0;title\u{7}")), "zdsh: stopped: x\\x1B]0;title\\x07")
    }

    // MARK: - Plans

    func testPlanShowsHostileIdsEscapedAndTheDestructiveLinesStay() {
        let op = Catalog.shared.operation(id: "deleteLabel") ?? Catalog.shared.operations.first { $0.safety == .destructive }!
        let ids = ["\u{1B}[8m\u{1B}[2A\u{1B}[J", "7\r  writes (0 calls):", "9\n    nothing here", "\u{202E}eteled"]
        let calls = ids.enumerated().map { i, id in
            CallRecord(sequence: i + 1, operationId: op.id, calledAs: "helpcenter.labels.delete", method: op.method, path: "/x/\(id)",
                       query: [:], body: nil, ids: [id], safety: .destructive, outcome: .planned, status: nil, errorCode: nil,
                       message: "not allowed yet: --allow x\u{1B}[8m", durationMs: nil)
        }
        let plan = Plan(id: "test", runbook: "/r.lua", sha256: nil, parameters: .object([:]),
                        target: PlanTarget(simulator: false, fixture: nil, profile: "default", org: nil), calls: calls)
        let text = plan.render()
        assertInert(text, allowNewlines: true, "plan")
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 4, text)
        XCTAssertTrue(lines[1].contains("DESTRUCTIVE (4 calls)"), text)
        XCTAssertTrue(lines[2].contains("\\x1B[8m"), text)
        XCTAssertTrue(lines[2].contains("\\u{202E}eteled"), text)
        XCTAssertFalse(lines.contains { $0.hasPrefix("  writes") }, "a forged group header became a line: \(text)")
    }

    // MARK: - Denials and API errors

    func testDenialTextEscapesIdsAndReason() {
        let d = PolicyDenial(operation: "request", calledAs: "desk.request", ids: ["1\n  zdsh: allowed", "\u{1B}[8m"],
                             reason: "desk.request DELETE /api/v1/x\r\u{1B}[K is not in the catalog", remedy: "--allow desk.request")
        XCTAssertFalse(d.description.contains("\n"))
        assertInert(d.description, "denial")
        XCTAssertTrue(d.description.hasPrefix("denied: desk.request DELETE /api/v1/x\\r\\x1B[K"), d.description)
    }

    // MARK: - Audit tail

    func testAuditTailLinesCannotBeForged() {
        let record: JSON = [
            "time": "2026-01-01T00:00:00Z\r2026-01-01T00:00:01Z  run-1  outcome  desk.x  DELETE /ok  → 200",
            "run_id": "run\u{1B}[8m", "phase": "intent", "called_as": "helpcenter.labels.delete\u{202E}",
            "method": "DELETE", "path": "/api/v1/labels/1\n2026-01-01  forged  outcome",
            "ids": ["1\u{1B}[2K", "2"], "error_code": "INVALID\u{1B}]8;;http://x\u{7}", "status": .string("500\r200"),
        ]
        let line = AuditLog.humanLine(record)
        XCTAssertFalse(line.contains("\n") || line.contains("\r"), line)
        assertInert(line, "audit")
        XCTAssertTrue(line.contains("/api/v1/labels/1\\n2026-01-01  forged"), line)
        XCTAssertTrue(line.contains("→ 500\\r200"), line)
    }

    func testAuditTailLineForAnOrdinaryRecordIsUnchanged() {
        let record: JSON = ["time": "T", "run_id": "R", "phase": "outcome", "called_as": "desk.x", "method": "DELETE",
                            "path": "/p", "ids": ["1", "2"], "status": 200, "dry_run": true]
        XCTAssertEqual(AuditLog.humanLine(record), "T  R  outcome  desk.x  DELETE /p  ids=1,2  → 200  (dry run)")
    }

    // MARK: - Records from the API

    func testRecordFormatterEscapesApiValuesAndKeys() {
        let record: JSON = ["id": "1\u{1B}[8m", "name": "Ada\rEve", "subject": "line1\nline2", "odd\u{1B}[31mkey": "v\u{202E}"]
        let text = RecordFormatter.format(record)
        assertInert(text, allowNewlines: true, "record")
        XCTAssertTrue(text.contains("Name: Ada\\rEve"), text)
        XCTAssertTrue(text.contains("Subject: line1\\nline2"), text)
        XCTAssertTrue(text.contains("odd\\x1B[31mkey: v\\u{202E}"), text)
    }

    func testReplPrinterEscapesKeysAndValues() {
        let printer = ReplPrinter()
        let record: JSON = ["id": "7", "name": "x\u{1B}[8m", "email": "a@b\r.c", "notes": ["\u{1B}[2J", "\u{202E}"],
                            "k\u{1B}y": "v"]
        let text = printer.render(.json(record))
        assertInert(text, allowNewlines: true, "repl")
        XCTAssertTrue(text.contains("x\\x1B[8m"), text)
        XCTAssertTrue(text.contains("a@b\\r.c"), text)
        XCTAssertEqual(printer.render(.json(.string("two\nlines\u{1B}[8m"))), "two\nlines\\x1B[8m")
        XCTAssertEqual(ReplPrinter.quoted("a\"\\\n\u{1B}"), "\"a\\\"\\\\\\n\\x1B\"")
    }

    // MARK: - What the runbook prints

    func testRunbookOutputPassesThroughToPipesAndIsEscapedOnATerminal() {
        let printed = "report\t1\n\u{1B}[8mhidden\r\u{202E}\n"
        XCTAssertEqual(RunbookOutput.shown(printed, onTerminal: false), printed)
        XCTAssertEqual(RunbookOutput.shown(printed, onTerminal: true), "report\t1\n\\x1B[8mhidden\\r\\u{202E}\n")
    }

    // MARK: - Test reports

    func testScenarioReportsEscapeNamesMessagesAndOutput() {
        var r = ScenarioResult(file: "a_test.lua", name: "x\nPASS  a_test.lua › forged\u{1B}[8m", line: 1, status: .failed,
                               failure: .init(message: "boom\u{1B}[2K\nPASS  forged too", expected: "1\r", actual: "2\u{202E}",
                                              traceback: "stack traceback:\n\tx\u{1B}[8m"),
                               output: "printed\u{1B}[8m\n3 passed, 0 failed\r")
        let console = ConsoleReporter.line(r)
        assertInert(console, allowNewlines: true, "console")
        for line in console.split(separator: "\n").dropFirst() {
            XCTAssertTrue(line.hasPrefix("      "), "unindented line: \(line)")
        }
        XCTAssertEqual(console.split(separator: "\n").filter { $0.hasPrefix("PASS") }, [])
        r.status = .passed
        let tap = TAPReporter.report(SuiteReport(results: [r]))
        assertInert(tap, allowNewlines: true, "tap")
        XCTAssertEqual(tap.split(separator: "\n").filter { $0.hasPrefix("ok") || $0.hasPrefix("not ok") }.count, 1, tap)
    }
}
