import Foundation
import JSONValue
import LuaHost
import TestSupport
import XCTest

/// Where zdsh behaves like standard Lua although it could easily not:
/// source is bytes, `require` finds what is loaded first, and cycles end.
final class SemanticsTests: XCTestCase {
    private func folder(_ files: [String: [UInt8]]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zdsh-sem-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, bytes) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        return dir
    }

    private func value(_ h: Harness, _ source: LuaSource, file: StaticString = #filePath, line: UInt = #line) -> JSON? {
        switch h.host.run(source) {
        case .success(let v):
            if case .json(let j)? = v.first { return j }
            XCTFail("no JSON value: \(v)", file: file, line: line)
        case .failure(let e):
            XCTFail("unexpected error: \(e)", file: file, line: line)
        }
        return nil
    }

    // MARK: Source is bytes

    func testAByteInAStringLiteralStaysOneByte() throws {
        let h = try Harness()
        let code = Array(#"local s = ""#.utf8) + [0xE1] + Array(#"" return #s, s:byte()"#.utf8)
        XCTAssertEqual(value(h, LuaSource(bytes: code, name: "=test")), 1)
        guard case .success(let v) = h.host.run(LuaSource(bytes: code, name: "=test")) else { return XCTFail() }
        XCTAssertEqual(v.last, .json(.int(0xE1)))
    }

    func testARequiredModuleIsLoadedAsBytes() throws {
        let dir = try folder(["latin.lua": Array("return { s = \"".utf8) + [0xE1, 0xFF] + Array("\" }".utf8)])
        let h = try Harness(modulePaths: [dir.path])
        XCTAssertEqual(h.value("local s = require('latin').s return #s * 1000 + s:byte(1)"), .int(2000 + 0xE1))
    }

    func testAChunkArgumentIsCompiledAsBytesAndNamedInSyntaxErrors() throws {
        let h = try Harness()
        let driver = LuaSource(text: "local f = ... return f()", name: "=zdsh:driver")
        let chunk = LuaSource(bytes: Array("return #\"".utf8) + [0xE1] + Array("\"".utf8), name: "@my/file.lua")
        guard case .success(let v) = h.host.run(driver, arguments: [.chunk(chunk)]) else { return XCTFail() }
        XCTAssertEqual(v, [.json(.int(1))])
        let broken = LuaSource(text: "local x = 1\nlocal y = = 2\n", name: "@my/file.lua")
        guard case .failure(.syntax(let m)) = h.host.run(driver, arguments: [.chunk(broken)]) else { return XCTFail() }
        XCTAssertTrue(m.hasPrefix("my/file.lua:2:"), m)
    }

    // MARK: require

    /// A file named like a standard library next to the code never replaces it.
    func testStandardLibrariesComeFromWhatIsLoaded() throws {
        let names = ["string", "table", "math", "utf8", "coroutine", "os", "_G"]
        var files: [String: [UInt8]] = [:]
        for n in names { files["\(n).lua"] = Array("error('the file \(n).lua was loaded')".utf8) }
        let dir = try folder(files)
        let h = try Harness(modulePaths: [dir.path])
        for n in names {
            XCTAssertEqual(h.value("return require('\(n)') == \(n)"), true, n)
        }
        XCTAssertEqual(h.value("return require('utf8').char(72, 105)"), "Hi")
    }

    /// A runbook named utf8.lua requiring "utf8" gets the library at once
    /// (it used to require itself until the time limit).
    func testAFileRequiringItsOwnStandardNameGetsTheLibrary() throws {
        let code = Array("return require('utf8').char(65)".utf8)
        let dir = try folder(["utf8.lua": code])
        let h = try Harness(limits: Limits(timeout: 5, maxMemory: 64 << 20), modulePaths: [dir.path])
        let start = CPUTime.process()
        XCTAssertEqual(value(h, LuaSource(bytes: code, name: "@\(dir.path)/utf8.lua")), "A")
        XCTAssertLessThan(CPUTime.process() - start, 1)
    }

    func testLibrariesTheSandboxLeavesOutAreRefusedByName() throws {
        let dir = try folder(["io.lua": Array("return { open = function() end }".utf8)])
        let h = try Harness(modulePaths: [dir.path])
        for n in ["io", "debug", "package"] {
            guard case .runtime(let m, _, _)? = h.error("require('\(n)')") else { XCTFail(n); continue }
            XCTAssertTrue(m.contains("module '\(n)' is a standard library the sandbox does not offer"), m)
        }
    }

    func testAModuleRequiringItselfIsAnError() throws {
        let dir = try folder(["selfish.lua": Array("return { again = require('selfish') }".utf8)])
        let h = try Harness(limits: Limits(timeout: 5, maxMemory: 64 << 20), modulePaths: [dir.path])
        let start = CPUTime.process()
        guard case .runtime(let m, _, _)? = h.error("require('selfish')") else { return XCTFail() }
        XCTAssertTrue(m.contains("selfish.lua:1: module 'selfish' is required while it is still loading (require cycle: selfish -> selfish)"), m)
        XCTAssertLessThan(CPUTime.process() - start, 1)
    }

    func testARequireCycleIsAnErrorNamingTheCycle() throws {
        let dir = try folder(["a.lua": Array("require('b') return 'a'".utf8), "b.lua": Array("require('c') return 'b'".utf8),
                              "c.lua": Array("require('a') return 'c'".utf8)])
        let h = try Harness(limits: Limits(timeout: 5, maxMemory: 64 << 20), modulePaths: [dir.path])
        guard case .runtime(let m, _, _)? = h.error("require('a')") else { return XCTFail() }
        XCTAssertTrue(m.contains("require cycle: a -> b -> c -> a"), m)
    }

    /// A module whose load failed (the error caught) is not "still loading":
    /// requiring it again tries again, in this run and the next.
    func testAFailedLoadLeavesNoMark() throws {
        let dir = try folder(["flaky.lua": Array("n = (n or 0) + 1 if n < 3 then error('not yet') end return n".utf8)])
        let h = try Harness(modulePaths: [dir.path])
        XCTAssertEqual(h.value("return select(2, pcall(require, 'flaky')):match('not yet') ~= nil"), true)
        guard case .runtime(let m, _, _)? = h.error("require('flaky')") else { return XCTFail() }
        XCTAssertTrue(m.contains("not yet"), m)
        XCTAssertEqual(h.value("return require('flaky')"), 3)
    }

    /// A load stopped by a limit (a REPL line) leaves no mark for the next run.
    func testALoadStoppedByALimitIsNotStillLoadingInTheNextRun() throws {
        let dir = try folder(["slow.lua": Array("if not again then again = true while true do end end return 5".utf8)])
        let h = try Harness(limits: Limits(timeout: 0.5, maxMemory: 64 << 20), modulePaths: [dir.path])
        XCTAssertEqual(h.limit("require('slow')"), .timeout)
        XCTAssertEqual(h.value("return require('slow')"), 5)
    }

    func testDiamondRequiresAreNotCycles() throws {
        let dir = try folder(["top.lua": Array("return require('left') + require('right')".utf8),
                              "left.lua": Array("return require('base') + 1".utf8),
                              "right.lua": Array("return require('base') + 2".utf8),
                              "base.lua": Array("return 10".utf8)])
        let h = try Harness(modulePaths: [dir.path])
        XCTAssertEqual(h.value("return require('top')"), 23)
    }

    func testTracebackFilterKeepsOnlyTheUsersFrames() {
        let tb = "stack traceback:\n\t[C]: in upvalue 'call'\n\tzdsh:desk:48: in field 'get'\n\ttb.lua:1: in local 'f'\n"
            + "\t[C]: in function 'error'\n\ttb.lua:2: in main chunk\n\t(...tail calls...)\n\tzdsh:describe:3: in main chunk"
        XCTAssertEqual(UserTraceback.filter(tb),
                       "stack traceback:\n\ttb.lua:1: in local 'f'\n\t[C]: in function 'error'\n\ttb.lua:2: in main chunk")
        XCTAssertEqual(UserTraceback.filter("stack traceback:\n\t[C]: in function 'error'\n\tzdsh:runbook:6: in function <zdsh:runbook:4>\n\t(...tail calls...)\n\tzdsh:describe:4: in main chunk"), "")
    }
}
