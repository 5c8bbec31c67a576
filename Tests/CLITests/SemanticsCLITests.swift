import Foundation
import TestSupport
import XCTest

/// Lua's semantics through the command line: source as bytes, `require` of
/// standard names, plain scripts without a profile, errors at the user's
/// file and line, and tracebacks without zdsh's own frames.
final class SemanticsCLITests: XCTestCase {
    /// `cpuSeconds`: the child's CPU time (CPUTime), the bound a loaded
    /// machine cannot inflate, unlike the clock.
    struct Outcome { let status: Int32; let out: String; let err: String; let cpuSeconds: Double }

    /// A clean configuration and state, and no Zoho credentials at all.
    static func cleanEnvironment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = NSTemporaryDirectory() + "zdsh-sem-\(UUID().uuidString)"
        environment["XDG_CONFIG_HOME"] = NSTemporaryDirectory() + "zdsh-sem-\(UUID().uuidString)"
        for key in environment.keys where key.hasPrefix("ZOHO_") { environment[key] = "" }
        environment["ZDSH_PROFILE"] = ""
        return environment
    }

    func run(_ executable: String, _ args: [String], in directory: String) throws -> Outcome {
        _ = try ZdshBinary.required()
        let (r, cpu) = try CPUTime.ofChildren {
            try ChildProcess.run(executable, args, environment: Self.cleanEnvironment(), directory: directory)
        }
        return Outcome(status: r.status, out: r.out, err: r.err, cpuSeconds: cpu)
    }

    func zdsh(_ args: [String], in directory: String) throws -> Outcome {
        try run(CLITests.zdsh, args, in: directory)
    }

    /// A folder holding `files` (name → bytes).
    func folder(_ files: [String: [UInt8]]) throws -> String {
        let dir = NSTemporaryDirectory() + "zdsh-sem-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        return dir
    }

    static func text(_ s: String) -> [UInt8] { Array(s.utf8) }

    // MARK: Bytes

    func testAByteInARunbookFileStaysOneByte() throws {
        let dir = try folder(["byte.lua": Self.text("local s = \"") + [0xE1] + Self.text("\"\nprint(#s, s:byte())\n")])
        let r = try zdsh(["run", "byte.lua"], in: dir)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "1\t225\n")
    }

    func testAByteInARequiredModuleStaysOneByte() throws {
        let dir = try folder(["latin.lua": Self.text("return { s = \"") + [0xE1] + Self.text("\" }\n"),
                              "main.lua": Self.text("print(#require('latin').s)\n")])
        let r = try zdsh(["run", "main.lua"], in: dir)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "1\n")
    }

    /// The argument goes through argv as the raw byte 0xE1 (printf's \341).
    func testAByteInAnEvalArgumentStaysOneByte() throws {
        let dir = try folder([:])
        let r = try run("/bin/sh", ["-c", #"exec "$0" eval "$(printf 'return #"\341", ("\341"):byte()')""#, CLITests.zdsh], in: dir)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "1\n225\n")
    }

    /// print writes its strings' bytes to a pipe, as lua does.
    func testPrintWritesBytesToAPipe() throws {
        let dir = try folder(["pb.lua": Self.text("print('\\225x')\n")])
        let r = try run("/bin/sh", ["-c", #""$0" run pb.lua | od -An -tx1"#, CLITests.zdsh], in: dir)
        XCTAssertEqual(r.out.split(separator: " ").map(String.init).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                        .filter { !$0.isEmpty }, ["e1", "78", "0a"], r.err)
    }

    func testAByteInAReplLineStaysOneByte() throws {
        let dir = try folder(["input.txt": Self.text("local s = \"") + [0xE1] + Self.text("\"\nprint(#s)\n")])
        let r = try run("/bin/sh", ["-c", #"exec "$0" repl --sim < input.txt"#, CLITests.zdsh], in: dir)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "1\n")
    }

    /// The sha256 recorded for a runbook is over its bytes, not over a
    /// repaired UTF-8 text.
    func testTheRunbookHashIsOverItsBytes() throws {
        let bytes = Self.text("-- \u{E9} ") + [0xE1] + Self.text("\nreturn runbook { name = 'h', main = function() end }\n")
        let dir = try folder(["h.lua": bytes])
        let r = try zdsh(["run", "h.lua", "--sim", "--dry-run", "--plan-out", "plan.json"], in: dir)
        XCTAssertEqual(r.status, 0, r.err)
        let plan = try String(contentsOfFile: dir + "/plan.json", encoding: .utf8)
        let expected = try run("/usr/bin/sha256sum", ["h.lua"], in: dir).out.prefix(64)
        XCTAssertTrue(plan.contains(String(expected)), plan)
    }

    // MARK: require

    /// A runbook named like a standard library, requiring that name: the
    /// library, at once (it used to require itself until the time limit).
    func testStandardNamesNextToTheRunbookDoNotShadowTheLibraries() throws {
        let names = ["utf8", "string", "table", "math", "coroutine"]
        var files: [String: [UInt8]] = [:]
        for n in names {
            files["\(n).lua"] = Self.text("assert(require('\(n)') == \(n), 'not the library')\nprint('\(n) ok')\n")
        }
        let dir = try folder(files)
        for n in names {
            let r = try zdsh(["run", "\(n).lua", "--timeout", "10"], in: dir)
            XCTAssertEqual(r.status, 0, "\(n): \(r.err)")
            XCTAssertEqual(r.out, "\(n) ok\n")
            XCTAssertLessThan(r.cpuSeconds, 5, n)
        }
        // And from a file with another name.
        let other = try folder(files.merging(["main.lua": Self.text("print(require('utf8').char(72, 105))\n")]) { a, _ in a })
        let r = try zdsh(["run", "main.lua"], in: other)
        XCTAssertEqual(r.out, "Hi\n", r.err)
    }

    func testARunbookRequiringItselfEndsWithACycleError() throws {
        let dir = try folder(["loop.lua": Self.text("require('loop')\n")])
        let r = try zdsh(["run", "loop.lua", "--timeout", "10"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("loop.lua:1: module 'loop' is required while it is still loading (require cycle: loop -> loop)"), r.err)
        XCTAssertLessThan(r.cpuSeconds, 5)
    }

    // MARK: No profile needed

    func testAPlainScriptRunsWithoutAProfileAndWithoutASummary() throws {
        let dir = try folder(["hello.lua": Self.text("print('hello')\n")])
        let r = try zdsh(["run", "hello.lua"], in: dir)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "hello\n")
        XCTAssertEqual(r.err, "")
    }

    func testARunbookWithoutAProfileStillFailsBeforeItStarts() throws {
        let dir = try folder(["rb.lua": Self.text("return runbook { name = 'rb', main = function() print('ran') end }\n")])
        let r = try zdsh(["run", "rb.lua"], in: dir)
        XCTAssertEqual(r.status, 5)
        XCTAssertTrue(r.err.contains("no credentials"), r.err)
        XCTAssertEqual(r.out, "")
    }

    // MARK: Errors at the user's file and line

    func testASyntaxErrorNamesTheFileAndLine() throws {
        let dir = try folder(["syn.lua": Self.text("local x = 1\nlocal y = = 2\n")])
        let r = try zdsh(["run", "syn.lua", "--sim"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.hasPrefix("syn.lua:2: unexpected symbol near '='"), r.err)
        XCTAssertFalse(r.err.contains("zdsh:"), r.err)
        let d = try zdsh(["describe", "syn.lua"], in: dir)
        XCTAssertTrue(d.err.contains("syn.lua:2:"), d.err)
        XCTAssertFalse(d.err.contains("zdsh:describe"), d.err)
    }

    func testASpecErrorNamesTheFileAndLine() throws {
        let dir = try folder([
            "tail.lua": Self.text("-- spec\nreturn runbook {\n  name = 3,\n  main = function() end,\n}\n"),
            "direct.lua": Self.text("local spec = runbook { name = 'd', main = 'no' }\nreturn spec\n"),
            "nomain.lua": Self.text("\nreturn runbook { name = 'n' }\n"),
        ])
        let tail = try zdsh(["run", "tail.lua", "--sim"], in: dir)
        XCTAssertEqual(tail.status, 1)
        XCTAssertTrue(tail.err.hasPrefix("tail.lua:4: runbook: 'name' must be a string"), tail.err)
        let direct = try zdsh(["run", "direct.lua", "--sim"], in: dir)
        XCTAssertTrue(direct.err.hasPrefix("direct.lua:1: runbook: 'main' must be a function"), direct.err)
        let nomain = try zdsh(["run", "nomain.lua", "--sim"], in: dir)
        XCTAssertTrue(nomain.err.hasPrefix("nomain.lua: runbook: 'main' must be a function"), nomain.err)
        for r in [tail, direct, nomain] { XCTAssertFalse(r.err.contains("zdsh:describe"), r.err) }
    }

    /// `run` and `describe` load a runbook through one path: both hold its
    /// top level to reads, with the same words.
    func testDescribeHoldsARunbooksTopLevelToReadsAsRunDoes() throws {
        let dir = try folder(["top.lua": Self.text("""
            desk.tickets.update("1892000000220001", { subject = "before the checks" })
            return runbook { name = "top", main = function() return 1 end }
            """)])
        let run = try zdsh(["run", "top.lua", "--sim", "--yes"], in: dir)
        XCTAssertTrue(run.err.contains("a runbook's top level may only read"), run.err)
        let d = try zdsh(["describe", "top.lua"], in: dir)
        XCTAssertNotEqual(d.status, 0, d.out)
        XCTAssertTrue(d.err.contains("a runbook's top level may only read"), d.err)
    }

    /// A runbook's top level runs once, held to reads: main runs from the
    /// table the describe pass got, not from a second, unheld top level.
    func testARunbooksTopLevelRunsOnce() throws {
        let dir = try folder(["once.lua": Self.text("""
            runs = (runs or 0) + 1
            local open = #desk.tickets.list({ limit = 5 })
            return runbook { name = "once", main = function() return runs .. " run(s), " .. open .. " tickets" end }
            """)])
        let r = try zdsh(["run", "once.lua", "--sim", "--json"], in: dir)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("1 run(s), 5 tickets"), r.out)
        XCTAssertTrue(r.out.contains("\"calls\":1") || r.out.contains("\"calls\": 1"), "one read: \(r.out)")
    }

    func testTracebacksShowNoInternalFrame() throws {
        let dir = try folder([
            "tb.lua": Self.text("local function f() return desk.tickets.get('abc') end\nlocal function g() f() end\ng()\n"),
            "rb.lua": Self.text("return runbook { name = 'x', main = function()\n  helpcenter.labels.list('x')\nend }\n"),
        ])
        for file in ["tb.lua", "rb.lua"] {
            let r = try zdsh(["run", file, "--sim"], in: dir)
            XCTAssertEqual(r.status, 2, r.err)  // a bad binding argument exits 2 (issue 25)
            XCTAssertTrue(r.err.contains("stack traceback:"), r.err)
            let frames = r.err.split(separator: "\n").filter { $0.hasPrefix("\t") }
            XCTAssertFalse(frames.isEmpty, r.err)
            for frame in frames {
                XCTAssertFalse(frame.contains("zdsh:"), "\(file): \(r.err)")
                XCTAssertFalse(frame.contains("in upvalue 'call'"), "\(file): \(r.err)")
                XCTAssertFalse(frame.contains("(...tail calls...)"), "\(file): \(r.err)")
            }
            XCTAssertTrue(frames.allSatisfy { $0.contains(file) }, r.err)
        }
        let e = try zdsh(["eval", "local t = nil\nreturn t.x", "--sim"], in: dir)
        XCTAssertTrue(e.err.contains("eval:2: in main chunk"), e.err)
    }
}
