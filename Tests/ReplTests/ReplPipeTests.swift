import Foundation
import TestSupport
import JSONValue
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// `zdsh repl` with stdin not a terminal, plus the pieces that need no terminal.
final class ReplPipeTests: XCTestCase {
    private func pipe(_ input: String, _ args: [String] = ["repl", "--sim"]) throws -> (out: String, err: String, status: Int32) {
        _ = try ZdshBinary.required()
        let state = NSTemporaryDirectory() + "zdsh-pipe-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        var env = ProcessInfo.processInfo.environment
        env["XDG_STATE_HOME"] = state
        let r = try ChildProcess.run(TmuxSession.zdsh, args, environment: env, input: .data(Data(input.utf8)), timeout: 60)
        return (r.out, r.err, r.status)
    }

    /// A huge result is shown within --max-output, cut on a character with a mark.
    func testResultsAreShownWithinMaxOutput() throws {
        let r = try pipe("return string.rep('é', 100000)\n", ["repl", "--sim", "--max-output", "16"])
        XCTAssertLessThan(r.out.utf8.count, 16 * 1024 + 200)
        XCTAssertTrue(r.out.contains("[truncated: output limit of 16 KB reached]"), String(r.out.suffix(200)))
        XCTAssertEqual(Repl.bounded("aé", bytes: 2), "a\n… [truncated: output limit of 0 KB reached]")
    }

    func testPipedStdinPrintsResultsWithoutPrompts() throws {
        let r = try pipe("return 1+1\n")
        XCTAssertEqual(r.out, "2\n")
        XCTAssertEqual(r.status, 0)
    }

    func testPipedSessionKeepsStateAndReadsMultiLineChunks() throws {
        let r = try pipe("""
            local n = 20
            function add(a,
              b)
              return a + b
            end
            add(n, 22)
            _ + 1
            #desk.profiles.list()
            """ + "\n")
        XCTAssertEqual(r.out, "42\n43\n4\n", r.err)
        XCTAssertFalse(r.out.contains("zdsh>"))
        XCTAssertFalse(r.out.contains("\u{1B}["), "no colours without a terminal")
    }

    func testPipedDestructiveCallIsRefusedWithoutATerminal() throws {
        let r = try pipe("""
            hc = helpcenter.help_centers.list()[1].id
            helpcenter.labels.delete(hc, helpcenter.labels.list(hc)[1].id)
            "after"
            """ + "\n")
        XCTAssertTrue(r.err.contains("denied"), r.err)
        XCTAssertEqual(r.out, "after\n")
        XCTAssertNotEqual(r.status, 0)
    }

    func testLimitEndsTheInputNotTheSession() throws {
        let r = try pipe("while true do end\n'next'\n", ["repl", "--sim", "--max-instructions", "100000"])
        XCTAssertTrue(r.err.contains("stopped"), r.err)
        XCTAssertEqual(r.out, "next\n")
    }

    // MARK: - Without a process

    func testTopLevelLocalsBecomeGlobals() {
        XCTAssertEqual(TopLevelLocals.rewrite("local x, y = 1, 2").source, "x, y = 1, 2")
        XCTAssertEqual(TopLevelLocals.rewrite("local t").source, "t = nil")
        XCTAssertEqual(TopLevelLocals.rewrite("local function f() local z = 1 end").source, "function f() local z = 1 end")
        XCTAssertEqual(TopLevelLocals.rewrite("local k <const> = 3").source, "k = 3")
        XCTAssertEqual(TopLevelLocals.rewrite("for i = 1, 2 do local a = i end local b = 'local c'").source,
                       "for i = 1, 2 do local a = i end b = 'local c'")
        XCTAssertEqual(TopLevelLocals.rewrite("while x do local a = 1 end").declared, [])
        XCTAssertEqual(TopLevelLocals.rewrite("-- local q\nlocal r = 1").declared, ["r"])
    }

    func testCompletionNeverNeedsTheAPI() {
        var walked: [[String]] = []
        let c = Completer(globals: { path in
            walked.append(path)
            return path.isEmpty ? [("desk", "table"), ("mine", "table"), ("__repl", "table")] : [("field", "number")]
        })
        XCTAssertEqual(c.complete(word: "desk.prof", line: "desk.prof"), ["desk.profiles"])
        XCTAssertTrue(c.complete(word: "desk.profiles.", line: "desk.profiles.").contains("desk.profiles.list"))
        XCTAssertTrue(c.complete(word: "desk.api.getT", line: "desk.api.getT").allSatisfy { $0.hasPrefix("desk.api.getT") })
        XCTAssertFalse(c.complete(word: "desk.api.getT", line: "desk.api.getT").isEmpty)
        XCTAssertEqual(c.complete(word: "mine.f", line: "mine.f"), ["mine.field"])
        XCTAssertEqual(c.complete(word: "__r", line: "__r"), [])
        XCTAssertEqual(c.complete(word: ":pol", line: ":pol"), [":policy"])
        XCTAssertEqual(c.complete(word: "string.fo", line: "string.fo"), ["string.format"])
        // desk.* comes from the catalog: the globals walk only ran for the top level and `mine`.
        XCTAssertEqual(walked.filter { !$0.isEmpty }, [["mine"]])
    }

    func testPrinterShowsRecordsLeadingFieldsFirstAndTruncatesLongLists() {
        let printer = ReplPrinter()
        let record: JSON = .object(["zeta": .int(1), "email": .string("a@b.c"), "name": .string("Ada"), "id": .string("7")])
        let text = printer.render(record)
        XCTAssertTrue(text.hasPrefix("Name:"), text)
        XCTAssertLessThan(text.range(of: "Email")!.lowerBound, text.range(of: "zeta")!.lowerBound)
        let many = JSON.array((1...30).map { .object(["id": .int(Int64($0)), "name": .string("n\($0)")]) })
        XCTAssertTrue(printer.render(many).contains("… 10 more (30 in all)"))
    }
}
