import Foundation
import XCTest

/// Issue 32 §6: the REPL forgives — Ctrl-C drops pending multi-line input,
/// editing keys keep working after it, and record lists show as one table.
final class DailyReplTests: ReplTerminalTestCase {
    func testCtrlCAtTheContinuationPromptDropsThePendingInput() throws {
        let t = try start()
        try t.line("x =")
        waitForPrompt(t, ">>")
        try t.keys("C-c")
        waitForPrompt(t)
        try t.line("5")
        try t.line("print('x is ' .. tostring(x))")
        let s = t.waitFor("x is ")
        XCTAssertTrue(s.contains("x is nil"), s)
    }

    func testEditingKeysWorkAtTheContinuationPromptAfterCtrlC() throws {
        let t = try start()
        try t.line("y = {")
        waitForPrompt(t, ">>")
        try t.type("abc")
        try t.keys("C-c")
        waitForPrompt(t)
        // The terminal is still in libedit's hands: no ^R or ^D echoed.
        try t.line("z = {")
        waitForPrompt(t, ">>")
        try t.type("1, 2")
        try t.keys("Left", "Left", "Left")
        try t.type("0")
        try t.keys("C-e")
        try t.line("}")
        try t.line("print(table.concat(z, '+'))")
        let s = t.waitFor("10+2")
        XCTAssertFalse(s.contains("^R") || s.contains("^D") || s.contains("^[[D"), s)
        try t.keys("C-r")
        t.waitFor("bck:")
        try t.keys("C-g")
    }

    func testARecordListShowsAsOneTable() throws {
        let t = try start()
        try t.line("desk.agents.list({limit = 3})")
        let s = t.waitFor("EMAIL")
        XCTAssertTrue(s.contains("ID ") && s.contains("NAME"), s)
        XCTAssertFalse(s.contains("[1]"), s)
    }
}
