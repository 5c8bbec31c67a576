import DeskSim
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

/// `require` loads only files that really lie inside the runbook's folder
/// (or the stdlib): links and `..` are resolved before anything is read, and
/// nothing of a refused file reaches the runbook or the error message.
final class SandboxFilesTests: XCTestCase {
    static let secret = "1000.5ecret7oken.c0ffee"

    var base: URL!
    /// The runbook's folder, inside `base`; `base` also holds the secrets.
    var folder: URL!

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("zdsh-files-\(UUID().uuidString)")
        folder = base.appendingPathComponent("runbooks")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // A secrets file that happens to parse as Lua (KEY=VALUE lines).
        try "ZOHO_REFRESH_TOKEN=\(Self.secret)\n".write(to: base.appendingPathComponent("secrets.env"), atomically: true, encoding: .utf8)
        try "ZOHO_REFRESH_TOKEN = \"\(Self.secret)\"\n".write(to: base.appendingPathComponent("secret.lua"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: base)
    }

    func link(_ name: String, to target: String) throws {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
    }

    func write(_ name: String, _ text: String) throws {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Runs `code` as if it were a runbook in `folder`; returns the outcome and what it printed.
    func run(_ code: String) throws -> (Result<[RunValue], LuaError>, String) {
        let sink = PrintSink()
        let backend = Backend.simulator(Simulator(), options: .fast())
        let session = try Session(client: backend.client, policy: Policy(), limits: Limits(timeout: 10),
                                  modulePaths: [folder.path], output: { sink.text += $0 })
        let result = session.run(code, name: "@\(folder.path)/main.lua")
        return (result, sink.text)
    }

    func refusal(_ code: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let (result, printed) = try run(code)
        XCTAssertFalse(printed.contains(Self.secret), "the secret leaked through print: \(printed)", file: file, line: line)
        guard case .failure(let e) = result else {
            XCTFail("expected a refusal, got \(result)", file: file, line: line)
            return ""
        }
        XCTAssertFalse(e.description.contains(Self.secret), "the secret leaked into the error: \(e)", file: file, line: line)
        XCTAssertFalse(e.description.contains("5ecret"), "part of the secret leaked into the error: \(e)", file: file, line: line)
        return e.description
    }

    // MARK: - Links out of the folder

    /// The case the review found: a linked leak.lua and a metatable on _G
    /// that prints every global the module touches.
    func testLinkedSecretsFileIsRefusedBeforeItRuns() throws {
        try link("leak.lua", to: base.appendingPathComponent("secrets.env").path)
        let message = try refusal("""
            setmetatable(_G, {__index = function(_, k) print("read", k) end,
                              __newindex = function(_, k, v) print("write", k, v) end})
            require "leak"
            """)
        XCTAssertTrue(message.contains("bad argument #1 to 'require'"), message)
        XCTAssertTrue(message.contains("'leak'"), message)
        XCTAssertTrue(message.contains("outside"), message)
        XCTAssertTrue(message.contains("symbolic link"), message)
    }

    func testLinkedLuaFileOutsideIsRefused() throws {
        try link("secret.lua", to: base.appendingPathComponent("secret.lua").path)
        let message = try refusal("return require('secret')")
        XCTAssertTrue(message.contains("outside"), message)
    }

    func testRelativeLinkToTheParentIsRefused() throws {
        try link("up.lua", to: "../secret.lua")
        _ = try refusal("return require('up')")
    }

    func testLinkedFolderReachingTheParentIsRefused() throws {
        try link("lib", to: "..")
        let message = try refusal("return require('lib.secret')")
        XCTAssertTrue(message.contains("'lib.secret'"), message)
        XCTAssertTrue(message.contains("outside"), message)
    }

    func testLinkedFolderLeadingBackInsideIsAllowed() throws {
        try write("real/util.lua", "return {answer = 42}")
        try link("alias", to: "real")
        let (result, _) = try run("return require('alias.util').answer")
        XCTAssertEqual(result, .success([.json(.int(42))]))
    }

    func testLinkInsideTheFolderIsAllowed() throws {
        try write("lib/helpers.lua", "return {twice = function(x) return 2 * x end}")
        try link("h.lua", to: "lib/helpers.lua")
        let (result, _) = try run("return require('h').twice(21)")
        XCTAssertEqual(result, .success([.json(.int(42))]))
    }

    func testDanglingLinkIsRefusedNotSkipped() throws {
        try link("ghost.lua", to: base.appendingPathComponent("nowhere.lua").path)
        let message = try refusal("return require('ghost')")
        XCTAssertTrue(message.contains("'ghost'"), message)
    }

    func testAFifoIsNotReadAndDoesNotHang() throws {
        let path = folder.appendingPathComponent("pipe.lua").path
        guard mkfifo(path, 0o600) == 0 else { throw XCTSkip("mkfifo failed") }
        // Reading a FIFO with no writer blocks for ever, so a clock checked
        // afterwards could never fail: that the refusal comes back at all,
        // naming the kind of file, is what shows it was never opened.
        let message = try refusal("return require('pipe')")
        XCTAssertTrue(message.contains("not a regular file"), message)
    }

    // MARK: - Names that are paths

    func testPathsAsModuleNamesAreRefusedSayingWhy() throws {
        let cases: [(String, String)] = [
            ("/etc/passwd", "absolute paths are not allowed"),
            (base.appendingPathComponent("secret").path, "absolute paths are not allowed"),
            ("../secret", "'..' is not allowed"),
            ("..secret", "'..' is not allowed"),
            ("lib/../../secret", "'..' is not allowed"),
            ("sub/secret", "path separators are not allowed"),
            ("", "the name is empty"),
            ("a..b", "'..' is not allowed"),
            ("lib.", "only letters, digits and '_'"),
            ("x\u{1B}[8m", "only letters, digits and '_'"),
        ]
        for (name, why) in cases {
            let message = try refusal("return require(\(Self.lua(name)))")
            XCTAssertTrue(message.contains("bad argument #1 to 'require'"), "\(name): \(message)")
            XCTAssertTrue(message.contains("is not valid"), "\(name): \(message)")
            XCTAssertTrue(message.contains(why), "\(name): \(message)")
        }
    }

    func testMissingModuleSaysWhereItLooked() throws {
        let (result, _) = try run("return require('nope.missing')")
        guard case .failure(let e) = result else { return XCTFail("\(result)") }
        XCTAssertTrue(e.description.contains("module 'nope.missing' not found"), e.description)
        XCTAssertTrue(e.description.contains("nope/missing.lua"), e.description)
        XCTAssertFalse(e.description.contains("\n"), "one line: \(e.description)")
    }

    // MARK: - The loader cannot be redirected from Lua

    func testPackageTablesDoNotSteerRequire() throws {
        let secretFolder = base.path
        let attempts = [
            "package = {path = '\(secretFolder)/?.lua;\(secretFolder)/?'} return require('secret')",
            "package = {cpath = '/lib/?.so', path = '/etc/?'} return require('passwd')",
            "package = {searchers = {function(n) return function() return 'pwned' end end}} return require('x1')",
            "package = {loaders = {function(n) return function() return 'pwned' end end}} return require('x2')",
            "package = {preload = {x3 = function() return 'pwned' end}} return require('x3')",
            "package = {loaded = {x4 = 'pwned'}} return require('x4')",
            "_G.package = nil; rawset(_G, 'package', {path = '/?'}) return require('etc.passwd')",
        ]
        for code in attempts {
            let (result, printed) = try run(code)
            guard case .failure(let e) = result else { XCTFail("\(code) → \(result)"); continue }
            XCTAssertTrue(e.description.contains("not found"), "\(code): \(e)")
            XCTAssertFalse(printed.contains(Self.secret) || e.description.contains(Self.secret), code)
        }
    }

    func testModulesAreTheFolderFilesWhateverTheGlobalsSay() throws {
        try write("util.lua", "return 'the real util'")
        let (result, _) = try run("""
            package = {loaded = {util = 'fake'}, preload = {util = function() return 'fake' end}}
            return (require('util'))
            """)
        XCTAssertEqual(result, .success([.json(.string("the real util"))]))
    }

    // MARK: - Errors in modules

    func testSyntaxErrorInAModuleNamesTheModuleFile() throws {
        try write("broken.lua", "local x = = 1")
        let (result, _) = try run("return require('broken')")
        guard case .failure(let e) = result else { return XCTFail("\(result)") }
        XCTAssertTrue(e.description.contains("broken.lua:1:"), e.description)
    }

    func testSecretsFileLinkedAsAModuleNeverReachesTheParser() throws {
        // Not valid Lua: a parser would quote the text near the error.
        try "token: \(Self.secret) !!\n".write(to: base.appendingPathComponent("creds.txt"), atomically: true, encoding: .utf8)
        try link("creds.lua", to: base.appendingPathComponent("creds.txt").path)
        let message = try refusal("local ok, e = pcall(require, 'creds') print(e) error(e, 0)")
        XCTAssertFalse(message.contains("near"), message)
    }

    static func lua(_ s: String) -> String {
        "\"" + s.unicodeScalars.map { $0.value < 0x20 || $0 == "\"" || $0 == "\\" ? "\\\($0.value)" : String($0) }.joined() + "\""
    }
}
