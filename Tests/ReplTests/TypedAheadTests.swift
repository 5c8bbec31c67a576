import Foundation
import XCTest

/// Issue 26, item 5: a confirmation on a terminal reads only what was typed
/// after the question was shown. Keys typed or pasted ahead — a paste whose
/// next line is `a` — were meant for something else and must not answer it.
final class TypedAheadTests: XCTestCase {
    var stateHome = ""

    override func setUpWithError() throws {
        try TmuxSession.requirements()
        stateHome = NSTemporaryDirectory() + "zdsh-typeahead-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: stateHome, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: stateHome) }

    /// A paste of a destructive call followed by a line `a` (yes to all),
    /// as one burst of input: the REPL asks, and waits for a real answer.
    func testReplConfirmationIgnoresPastedAnswers() throws {
        let t = try TmuxSession(stateHome: stateHome)
        t.waitFor("zdsh>")
        try t.line("hc = helpcenter.help_centers.list()[1].id")
        try t.line("labels = helpcenter.labels.list(hc)")
        t.waitFor("the next prompt") { $0.components(separatedBy: "zdsh>").count >= 4 }
        // One send-keys: every byte is in the terminal before the REPL reads the first line.
        try t.keys("helpcenter.labels.delete(hc, labels[3].id)", "Enter", "a", "Enter", "y", "Enter")
        t.waitFor("Proceed? [y]es once")
        // Give a pasted answer every chance to be (wrongly) taken.
        Thread.sleep(forTimeInterval: 1.5)
        var s = t.screen
        XCTAssertFalse(s.contains("allowed for this session"), "a pasted line answered the question: \(s)")
        try t.line("n")
        s = t.waitFor("declined at the confirmation prompt")
        try t.keys("C-l")
        try t.line(":calls")
        s = t.waitFor("API credits used")
        XCTAssertFalse(s.contains("sent  helpcenter.labels.delete"), "nothing was deleted: \(s)")
    }

    /// `zdsh run` on a terminal: a `y` typed before the question appeared
    /// does not confirm the run.
    func testRunConfirmationIgnoresKeysTypedBeforeTheQuestion() throws {
        let book = TmuxSession.packageRoot.appendingPathComponent("stdlib/examples/offboard_user.lua").path
        let arguments = "'\(book)' --sim --param user=1892000000180001 --allow 'helpcenter.users.*'"
        let t = try TmuxSession(stateHome: stateHome, arguments: arguments, subcommand: "run")
        // Typed at once, before zdsh has shown anything.
        try t.keys("y", "Enter")
        t.waitFor("Proceed? [y/N]")
        Thread.sleep(forTimeInterval: 1.5)
        var s = t.screen
        XCTAssertFalse(s.contains("calls ("), "the early y confirmed the run: \(s)")
        XCTAssertFalse(s.contains("[exited]"), s)
        try t.line("n")
        s = t.waitFor("[exited]")
        XCTAssertTrue(s.contains("not confirmed; nothing was sent"), s)
    }
}
