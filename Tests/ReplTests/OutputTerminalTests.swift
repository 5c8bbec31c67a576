import Foundation
import TestSupport
import XCTest

/// What a person sees on a terminal (tmux): lists of records as tables,
/// colour only where the rules allow it, long results paged — and none of
/// that when the output is a pipe.
final class OutputTerminalTests: XCTestCase {
    var stateHome = ""

    override func setUpWithError() throws {
        try TmuxSession.requirements()
        stateHome = NSTemporaryDirectory() + "zdsh-output-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: stateHome, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: stateHome)
    }

    func session(_ subcommand: String, _ arguments: String, environment: [String: String] = [:]) throws -> TmuxSession {
        try TmuxSession(stateHome: stateHome, arguments: arguments, subcommand: subcommand, environment: environment)
    }

    static let sgr = "\u{1B}["

    func testListsOfRecordsAreTablesOnATerminal() throws {
        let t = try session("eval", "--sim 'return desk.profiles.list()'", environment: ["PAGER": "cat"])
        let s = t.waitFor("[exited]")
        let header = try XCTUnwrap(s.split(separator: "\n").first { $0.hasPrefix("ID ") }, s)
        XCTAssertTrue(header.contains("NAME"), s)
        // Picked columns, in the order asked.
        let picked = try session("eval", "--sim -o table=name,id 'return desk.profiles.list()'", environment: ["PAGER": "cat"])
        let p = picked.waitFor("[exited]")
        XCTAssertTrue(p.split(separator: "\n").contains { $0.hasPrefix("NAME ") && $0.contains("ID") }, p)
    }

    func testRecordsInAPipeAreTextBlocks() throws {
        let r = try ChildProcess.run(TmuxSession.zdsh, ["eval", "--sim", "return desk.profiles.list()"],
                                     environment: ["XDG_STATE_HOME": stateHome, "PATH": "/usr/bin:/bin"], timeout: 60)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.hasPrefix("id: "), r.out)
        XCTAssertFalse(r.out.contains("\u{1B}"), r.out)
    }

    func testColourFollowsTheTerminalAndNoColorAndDumbTerm() throws {
        let coloured = try session("api", "list labels", environment: ["COLUMNS": "120"])
        coloured.waitFor("[exited]")
        XCTAssertTrue(coloured.colouredScreen.contains(Self.sgr), coloured.colouredScreen)
        for environment in [["NO_COLOR": "1"], ["TERM": "dumb"]] {
            let plain = try session("api", "list labels", environment: environment)
            plain.waitFor("[exited]")
            XCTAssertFalse(plain.colouredScreen.contains(Self.sgr), "\(environment): \(plain.colouredScreen)")
        }
        let never = try session("api", "list labels --color never", environment: ["COLUMNS": "120"])
        never.waitFor("[exited]")
        XCTAssertFalse(never.colouredScreen.contains(Self.sgr), never.colouredScreen)
    }

    func testLongResultsArePagedOnATerminalOnly() throws {
        let code = "'local t = {} for i = 1, 200 do t[i] = {id = tostring(i), name = \"n\" .. i} end return t'"
        // A pager that marks its lines: what reaches the screen went through it.
        let paged = try session("eval", code, environment: ["ZDSH_PAGER": "sed s/^/paged:/"])
        let s = paged.waitFor("[exited]")
        XCTAssertTrue(s.contains("paged:"), s)
        // less, the default, waits for the reader; q leaves it.
        let less = try session("eval", code, environment: ["COLUMNS": "120"])
        less.waitFor("the pager") { $0.contains("ID") && !$0.contains("[exited]") }
        try less.keys("q")
        less.waitFor("[exited]")
        // A short result is not paged.
        let short = try session("eval", "'return {{id = \"1\", name = \"one\"}}'", environment: ["ZDSH_PAGER": "sed s/^/paged:/"])
        XCTAssertFalse(short.waitFor("[exited]").contains("paged:"))
        // A pipe never pages.
        let piped = try ChildProcess.run(TmuxSession.zdsh, ["eval", code.trimmingCharacters(in: CharacterSet(charactersIn: "'"))],
                                         environment: ["XDG_STATE_HOME": stateHome, "ZDSH_PAGER": "sed s/^/paged:/", "PATH": "/usr/bin:/bin"],
                                         timeout: 60)
        XCTAssertEqual(piped.status, 0, piped.err)
        XCTAssertFalse(piped.out.contains("paged:"))
    }
}
