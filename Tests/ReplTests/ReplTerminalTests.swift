import Foundation
import XCTest

/// `zdsh repl --sim` in a real terminal (tmux).
final class ReplTerminalTests: ReplTerminalTestCase {
    func testMultiLineInputContinuesOnSecondaryPrompt() throws {
        let t = try start()
        try t.line("for i = 1, 3 do")
        t.waitFor(">>")
        try t.line("print('row ' .. i * 10)")
        try t.line("end")
        let s = t.waitFor("row 30")
        XCTAssertTrue(s.contains("row 10") && s.contains("row 20"), s)
        // A function spread over lines, then called without `return`.
        try t.line("function twice(x)")
        try t.line("return x * 2")
        try t.line("end")
        try t.line("twice(21)")
        t.waitFor("result 42") { $0.contains("\n42\n") || $0.hasSuffix("\n42") || $0.contains("\n42 ") }
    }

    func testTabCompletesBindingNamespacesAndVerbs() throws {
        let t = try start()
        try t.type("desk.prof")
        try t.keys("Tab")
        t.waitFor("zdsh> desk.profiles")
        try t.type(".")
        try t.keys("Tab", "Tab")
        let s = t.waitFor("desk.profiles.list")
        XCTAssertTrue(s.contains("desk.profiles.delete"), s)
        XCTAssertTrue(s.contains("desk.profiles.get"), s)
        // Globals defined in the session (top-level locals too) complete.
        try t.keys("C-u")
        try t.line("local my_results = {count = 1}")
        // Type only at the next prompt: keys sent earlier land in the old line's redraw.
        t.waitFor("the next prompt") { $0.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("zdsh>") }
        try t.type("my_res")
        try t.keys("Tab")
        t.waitFor("zdsh> my_results")
        try t.type(".co")
        try t.keys("Tab")
        t.waitFor("zdsh> my_results.count")
    }

    func testListOfRecordsIsPrettyPrinted() throws {
        let t = try start()
        try t.line("desk.profiles.list()")
        // One table, as eval shows it (issue 32 §6), not a block per record.
        let s = t.waitFor("Light Agent")
        XCTAssertTrue(s.contains("ID ") && s.contains("NAME"), s)
        XCTAssertTrue(s.contains("Administrator"), s)
        XCTAssertFalse(s.contains("[4]"), s)
        XCTAssertFalse(s.contains("\"permissions\""), "not raw JSON: \(s)")
        // _ holds the last result.
        try t.keys("C-l")
        try t.line("#_")
        t.waitFor("count 4") { $0.contains("\n4\n") || $0.contains("\n4 ") }
    }

    func testDestructiveCallAsksForConfirmation() throws {
        let t = try start()
        try t.line("hc = helpcenter.help_centers.list()[1].id")
        try t.line("labels = helpcenter.labels.list(hc)")
        try t.line("helpcenter.labels.delete(hc, labels[3].id)")
        t.waitFor("Proceed? [y]es once")
        XCTAssertTrue(t.screen.contains("helpcenter.labels.delete is destructive: DELETE"), t.screen)
        try t.line("n")
        t.waitFor("declined at the confirmation prompt")
        try t.line("helpcenter.labels.delete(hc, labels[3].id)")
        t.waitFor("two prompts") { $0.components(separatedBy: "Proceed? [y]es once").count == 3 }
        try t.line("y")
        t.waitFor("true")
        // Allowed for the session: no more questions.
        try t.line(":allow helpcenter.labels.delete")
        t.waitFor("allowed: helpcenter.labels.delete")
        try t.line("helpcenter.labels.delete(hc, labels[2].id)")
        try t.line(":calls")
        let s = t.waitFor("API credits used")
        XCTAssertEqual(s.components(separatedBy: "Proceed? [y]es once").count, 3, s)
        XCTAssertEqual(s.components(separatedBy: "sent  helpcenter.labels.delete").count, 3, s)
    }

    /// "a" answers yes for every call of that operation this session; a cap
    /// reached is raised with :cap and a :deny taken back with :undeny,
    /// without restarting.
    func testYesToAllCapsAndUndenyWithoutRestarting() throws {
        let t = try start()
        try t.line("hc = helpcenter.help_centers.list()[1].id")
        try t.line("labels = helpcenter.labels.list(hc)")
        try t.line("helpcenter.labels.delete(hc, labels[3].id)")
        t.waitFor("Proceed? [y]es once")
        try t.line("a")
        t.waitFor("allowed for this session: helpcenter.labels.delete")
        try t.line("helpcenter.labels.delete(hc, labels[2].id)")
        try t.line(":calls")
        var s = t.waitFor("API credits used")
        XCTAssertEqual(s.components(separatedBy: "Proceed? [y]es once").count, 2, "asked once: \(s)")
        XCTAssertEqual(s.components(separatedBy: "sent  helpcenter.labels.delete").count, 3, s)
        try t.line(":deny helpcenter.labels.delete")
        try t.line("helpcenter.labels.delete(hc, labels[1].id)")
        t.waitFor("explicitly denied")
        try t.line(":undeny helpcenter.labels.delete")
        t.waitFor("no longer denied")
        try t.line(":cap destructive 2")
        t.waitFor("destructive cap: 2 records")
        try t.line(":allow helpcenter.labels.delete")
        try t.line("helpcenter.labels.delete(hc, labels[1].id)")
        t.waitFor("destructive cap of 2 records reached")
        try t.line(":cap destructive 10")
        t.waitFor("destructive cap: 10 records")
        try t.keys("C-l")
        // A marker only this call prints: "true" alone may still be on the
        // screen from before the clear when the machine is slow.
        try t.line("print('fourth delete: ' .. tostring(helpcenter.labels.delete(hc, labels[1].id)))")
        s = t.waitFor("fourth delete: true")
        XCTAssertFalse(s.contains("Proceed?"), s)
    }

    func testCtrlCInterruptsTheRunningInputOnly() throws {
        let t = try start()
        try t.line("kept = 'still here'")
        try t.line("while true do end")
        Thread.sleep(forTimeInterval: 1)
        try t.keys("C-c")
        t.waitFor("interrupted")
        try t.line("kept")
        t.waitFor("\nstill here")
        try t.line("1 + 1")
        t.waitFor("\n2\n")
    }

    func testHistoryPersistsAcrossSessions() throws {
        do {
            let first = try start()
            try first.line("history_marker = 12345")
            // Ctrl-D only once the line has run and the next prompt is up: on
            // a loaded machine it could otherwise arrive mid-evaluation.
            first.waitFor("the next prompt") { $0.components(separatedBy: "zdsh>").count >= 3 }
            try first.keys("C-d")
            first.waitFor("[exited]")
        }
        let history = try String(contentsOfFile: stateHome + "/zdsh/history", encoding: .utf8)
        XCTAssertTrue(history.contains("history_marker"), history)
        let second = try start()
        try second.keys("Up")
        second.waitFor("zdsh> history_marker = 12345")
        // Ctrl-R searches it too (run the recalled line so the search starts
        // from the newest entry).
        try second.keys("Enter")
        try second.line("1 + 1")
        second.waitFor("\n2\n")
        try second.keys("C-r")
        try second.type("marker")
        // libedit shows the incremental search as "bck:marker" under the match.
        second.waitFor("reverse search") { $0.contains("history_marker = 12345") && $0.contains("bck:marker") }
    }

    func testCtrlDExits() throws {
        let t = try start()
        try t.keys("C-d")
        t.waitFor("[exited]")
    }
}
