import Foundation
import TestSupport
import XCTest

/// Output for people, as the binary prints it to a pipe: values shown
/// faithfully and the same way by `eval` and `run`, `api list` aligned,
/// completion scripts generated.
final class TextOutputTests: XCTestCase {
    static let root = ZdshBinary.packageRoot
    static let zdsh = ZdshBinary.path

    var scratch: URL!

    override func setUpWithError() throws {
        _ = try ZdshBinary.required()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("zdsh-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func zdsh(_ args: [String]) throws -> ChildProcess.Exit {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ZOHO_") }
        env["XDG_STATE_HOME"] = scratch.appendingPathComponent("state").path
        return try ChildProcess.run(Self.zdsh, args, environment: env, directory: Self.root.path, timeout: 60)
    }

    func testEvalAndRunShowEveryValueTheSameWay() throws {
        let cases = [
            (#"return {errs = {[3] = "boom"}}"#, #"{errs = {[3] = "boom"}}"#),
            ("local t = {} t.me = t return t", "{me = <cycle>}"),
            ("return {a = json.null, ok = true}", "  a: null\n  ok: true"),
            ("return {f = print}", "{f = function}"),
            ("return true", "true"),
        ]
        for (code, shown) in cases {
            let e = try zdsh(["eval", code])
            XCTAssertEqual(e.status, 0, e.err)
            XCTAssertEqual(e.out, shown + "\n", code)
            let file = scratch.appendingPathComponent("chunk.lua")
            try code.write(to: file, atomically: true, encoding: .utf8)
            let r = try zdsh(["run", file.path])
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertEqual(r.out, e.out, "run and eval differ for \(code)")
        }
    }

    func testApiListColumnsStayAlignedHoweverLongThePath() throws {
        let r = try zdsh(["api", "list"])
        XCTAssertEqual(r.status, 0, r.err)
        let lines = r.out.split(separator: "\n").map(String.init)
        XCTAssertGreaterThan(lines.count, 700)
        // The name column starts where the longest path's padding ends, on every line.
        let starts = Set(lines.map { line -> Int in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            let name = fields.count > 3 ? String(fields[3]) : ""
            return line.range(of: " " + name).map { line.distance(from: line.startIndex, to: $0.lowerBound) } ?? -1
        })
        XCTAssertEqual(starts.count, 1, "name columns start at \(starts.sorted())")
    }

    func testTableOutputIsAvailableInPipesOnRequest() throws {
        let r = try zdsh(["eval", "--sim", "-o", "table=id,subject", "return desk.tickets.list({limit = 2})"])
        XCTAssertEqual(r.status, 0, r.err)
        let lines = r.out.split(separator: "\n")
        XCTAssertEqual(lines.first.map(String.init), "ID                 SUBJECT")
        XCTAssertEqual(lines.count, 3, r.out)
        let bad = try zdsh(["eval", "-o", "yaml", "return 1"])
        XCTAssertEqual(bad.status, 2, bad.err)
        XCTAssertTrue(bad.err.contains("-o/--output"), bad.err)
    }

    func testCompletionScriptsAreGenerated() throws {
        for shell in ["bash", "zsh", "fish"] {
            let r = try zdsh(["--generate-completion-script", shell])
            XCTAssertEqual(r.status, 0, "\(shell): \(r.err)")
            XCTAssertTrue(r.out.contains("zdsh"), shell)
            XCTAssertTrue(r.out.contains("--dry-run"), "\(shell) completes run's flags")
        }
    }
}
