import Foundation
import TestSupport
import XCTest

/// `zdsh check` and `zdsh new` as a person uses them: the binary over real
/// files, its output compared line for line.
final class RunbookCheckTests: XCTestCase {
    static let root = ZdshBinary.packageRoot
    static let corpus = "Tests/CLITests/check-corpus"

    var scratch: URL!

    override func setUpWithError() throws {
        _ = try ZdshBinary.required()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("zdsh-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func zdsh(_ args: [String], directory: String? = nil, path: String? = nil) throws -> ChildProcess.Exit {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ZOHO_") }
        env["XDG_STATE_HOME"] = scratch.appendingPathComponent("state").path
        env["ZDSH_STDLIB"] = ZdshBinary.stdlib
        if let path { env["PATH"] = path }
        return try ChildProcess.run(ZdshBinary.path, args, environment: env, directory: directory ?? Self.root.path, timeout: 120)
    }

    static var luacheckInstalled: Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/luacheck") }
    }

    /// Every broken runbook reports exactly the diagnostics in its `.expected` file.
    func testEveryCorpusFileReportsExactlyItsExpectedDiagnostics() throws {
        let folder = Self.root.appendingPathComponent(Self.corpus)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".lua") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 10)
        for file in files {
            let expected = try String(contentsOf: folder.appendingPathComponent(file.replacingOccurrences(of: ".lua", with: ".expected")), encoding: .utf8)
            let r = try zdsh(["check", "--no-luacheck", "\(Self.corpus)/\(file)"])
            XCTAssertEqual(r.out, expected, file)
            XCTAssertFalse(expected.isEmpty, "\(file) is in the corpus of broken runbooks but expects nothing")
            XCTAssertEqual(r.status, expected.contains(": error: ") ? 1 : 0, "\(file): \(r.err)")
        }
    }

    func testTheExamplesAreClean() throws {
        let r = try zdsh(["check", "stdlib/examples"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertEqual(r.out, "")
    }

    func testJSONDocumentForCI() throws {
        let r = try zdsh(["check", "--json", "--no-luacheck", "\(Self.corpus)/unknown_names.lua"])
        XCTAssertEqual(r.status, 1)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        XCTAssertEqual(doc["files"] as? Int, 1)
        XCTAssertEqual(doc["luacheck"] as? String, "off")
        let diagnostics = try XCTUnwrap(doc["diagnostics"] as? [[String: Any]])
        XCTAssertEqual(doc["errors"] as? Int, diagnostics.count)
        let first = try XCTUnwrap(diagnostics.first)
        XCTAssertEqual(first["file"] as? String, "\(Self.corpus)/unknown_names.lua")
        XCTAssertEqual(first["line"] as? Int, 6)
        XCTAssertEqual(first["column"] as? Int, 34)
        XCTAssertEqual(first["severity"] as? String, "error")
        XCTAssertEqual(first["message"] as? String, "desk.tickets.lst: no such binding or namespace; did you mean desk.tickets.list?")
    }

    func testAMissingPathIsAUsageError() throws {
        let r = try zdsh(["check", "no/such/runbook.lua"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("no such file or folder"), r.err)
    }

    /// Without luacheck on PATH, check says so once and still makes its own checks.
    func testWithoutLuacheckItSaysSoOnceAndChecksAnyway() throws {
        let r = try zdsh(["check", "\(Self.corpus)/unknown_names.lua", "stdlib/examples"], path: "/nonexistent")
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.err.components(separatedBy: "luacheck is not installed").count - 1, 1, r.err)
        XCTAssertTrue(r.out.contains("desk.tikets: no such binding or namespace; did you mean desk.tickets?"), r.out)
    }

    func testLuacheckFindingsAreMerged() throws {
        guard Self.luacheckInstalled else { throw XCTSkip("lua-check is not installed (apt-get install lua-check); CI installs it") }
        let file = scratch.appendingPathComponent("unused.lua")
        try "local unused = 1\nlocal x = io.open\nreturn x\n".write(to: file, atomically: true, encoding: .utf8)
        let r = try zdsh(["check", file.path])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, """
            \(file.path):1:7: warning: unused variable 'unused' [luacheck W211]
            \(file.path):2:11: warning: accessing undefined variable 'io' [luacheck W113]

            """)
    }

    /// luacheck with the shipped std: the examples are clean, a mistyped binding is flagged.
    func testShippedLuacheckStd() throws {
        guard Self.luacheckInstalled else { throw XCTSkip("lua-check is not installed (apt-get install lua-check); CI installs it") }
        let config = "\(ZdshBinary.stdlib)/luacheck/zdsh_std.lua"
        let clean = try ChildProcess.run("/usr/bin/env", ["luacheck", "--config", config, "--formatter", "plain", "--codes", "stdlib/examples"],
                                         directory: Self.root.path)
        XCTAssertEqual(clean.status, 0, clean.out + clean.err)
        XCTAssertEqual(clean.out, "")
        let file = scratch.appendingPathComponent("typo.lua")
        try "return desk.tickets.lst{ limit = 1 }, desk.tikets, helpcenter.labels.delete\n".write(to: file, atomically: true, encoding: .utf8)
        let flagged = try ChildProcess.run("/usr/bin/env", ["luacheck", "--config", config, "--formatter", "plain", "--codes", file.path])
        XCTAssertEqual(flagged.status, 1)
        XCTAssertEqual(flagged.out, """
            \(file.path):1:8: (W143) accessing undefined field 'tickets.lst' of global 'desk'
            \(file.path):1:39: (W143) accessing undefined field 'tikets' of global 'desk'

            """)
    }

    /// The scaffold passes check and test as written; nothing is overwritten.
    func testNewRunbookPassesCheckAndTest() throws {
        let dir = scratch.appendingPathComponent("runbooks").path
        let made = try zdsh(["new", "runbook", "tidy_support", "--dir", dir])
        XCTAssertEqual(made.status, 0, made.err)
        for name in ["tidy_support.lua", "tidy_support_test.lua", ".luarc.json", ".luacheckrc"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(dir)/\(name)"), name)
        }
        let luarc = try String(contentsOfFile: "\(dir)/.luarc.json", encoding: .utf8)
        XCTAssertTrue(luarc.contains("\(ZdshBinary.stdlib)/types"), luarc)
        let checked = try zdsh(["check", "."], directory: dir)
        XCTAssertEqual(checked.status, 0, checked.out + checked.err)
        XCTAssertEqual(checked.out, "")
        let tested = try zdsh(["test", "."], directory: dir)
        XCTAssertEqual(tested.status, 0, tested.out + tested.err)
        XCTAssertTrue(tested.out.contains("2 passed, 0 failed"), tested.out)
        let again = try zdsh(["new", "runbook", "tidy_support", "--dir", dir])
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.err.contains("already exists"), again.err)
        let scenario = try zdsh(["new", "scenario", "other", "--dir", dir])
        XCTAssertEqual(scenario.status, 0, scenario.err)
        XCTAssertEqual(try zdsh(["new", "runbook", "../escape", "--dir", dir]).status, 2)
    }

    /// Completion of values: operation names for --allow, a runbook's parameters for --param.
    func testValueCompletion() throws {
        let allow = try zdsh(["---completion", "run", "--", "--allow", "0", "23", "desk.tickets.move_to_tr"])
        XCTAssertEqual(allow.status, 0, allow.err)
        XCTAssertTrue(allow.out.split(separator: "\n").contains("desk.tickets.move_to_trash"), allow.out)
        let show = try zdsh(["---completion", "api", "show", "--", "positional@0", "0", "13", "desk.profiles"])
        XCTAssertTrue(show.out.split(separator: "\n").contains("desk.profiles.delete"), show.out)
        let param = try zdsh(["---completion", "run", "--", "--param", "2", "0",
                              "run", "stdlib/examples/retire_label.lua", ""])
        XCTAssertEqual(Set(param.out.split(separator: "\n").map(String.init)), ["label=", "hc=", "concurrency="], param.out + param.err)
    }

    /// Run ids complete where a command takes one: `undo`, `runs show`, `--resume`.
    func testRunIdsCompleteForUndoAndRunsShow() throws {
        let book = scratch.appendingPathComponent("read.lua").path
        try "return runbook{ name = \"read\", main = function() desk.tickets.list{limit = 1} end }"
            .write(toFile: book, atomically: true, encoding: .utf8)
        let run = try zdsh(["run", book, "--sim"])
        XCTAssertEqual(run.status, 0, run.err)
        let runs = try zdsh(["runs"])
        let id = try XCTUnwrap(runs.out.split(separator: "\n").first { $0.contains("read.lua") }?.split(separator: " ").first, runs.out)
        for command in [["undo"], ["runs", "show"]] {
            let done = try zdsh(["---completion"] + command + ["--", "positional@0", "0", "0", String(id.prefix(8))])
            XCTAssertTrue(done.out.split(separator: "\n").contains(id), "\(command): \(done.out)\(done.err)")
        }
        let resume = try zdsh(["---completion", "run", "--", "--resume", "0", "0", ""])
        XCTAssertTrue(resume.out.split(separator: "\n").contains(id), resume.out + resume.err)
    }
}
