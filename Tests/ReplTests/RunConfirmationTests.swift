import Foundation
import XCTest

/// `zdsh run` on a terminal: one confirmation, before anything is sent,
/// with the whole picture (issue 14).
final class RunConfirmationTests: XCTestCase {
    var stateHome = ""

    override func setUpWithError() throws {
        try TmuxSession.requirements()
        stateHome = NSTemporaryDirectory() + "zdsh-run-confirm-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: stateHome, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: stateHome) }

    func offboard(_ extra: String = "") -> String {
        let book = TmuxSession.packageRoot.appendingPathComponent("stdlib/examples/offboard_user.lua").path
        return "'\(book)' --sim --param user=1892000000180001 --allow 'helpcenter.users.*' \(extra)"
    }

    func testRunAsksOnceWithTheWholePictureBeforeAnythingIsSent() throws {
        let t = try TmuxSession(stateHome: stateHome, arguments: offboard(), subcommand: "run")
        let s = t.waitFor("Proceed? [y/N]")
        XCTAssertTrue(s.contains("about to run offboard-user"), s)
        XCTAssertTrue(s.contains("sha256"), s)
        XCTAssertTrue(s.contains("target:") && s.contains("simulator"), s)
        XCTAssertTrue(s.contains("user=1892000000180001"), s)
        XCTAssertTrue(s.contains("helpcenter.users.remove_from_groups") && s.contains("helpcenter.users.remove_badges"), s)
        XCTAssertTrue(s.contains("caps:") && s.contains("25 records"), s)
        XCTAssertFalse(s.contains("calls ("), "nothing ran before the answer: \(s)")
        try t.line("y")
        let done = t.waitFor("[exited]")
        XCTAssertEqual(done.components(separatedBy: "Proceed?").count, 2, "asked once: \(done)")
        XCTAssertTrue(done.contains("3 destructive"), done)
    }

    func testDecliningSendsNothing() throws {
        let t = try TmuxSession(stateHome: stateHome, arguments: offboard(), subcommand: "run")
        t.waitFor("Proceed? [y/N]")
        try t.line("n")
        let done = t.waitFor("[exited]")
        XCTAssertTrue(done.contains("not confirmed; nothing was sent"), done)
        XCTAssertFalse(done.contains("calls ("), done)
    }
}
