import DeskSim
import Foundation
import JSONValue
import LuaHost
import TestSupport
import XCTest

/// Every limit stops a run within a small bound of its setting, wherever the
/// run is when it trips: deep in a recursion (through pcall, metamethods,
/// coroutines), or inside host code that decodes, converts or pushes values.
/// Bounds here are in CPU seconds (CPUTime): generous checks that a runaway
/// was stopped, which a loaded machine cannot trip, not benchmarks
/// (RELIABILITY.md has the measured figures).
final class LimitSlipTests: XCTestCase {
    /// Either a limit, or Lua's own stack-overflow error when the stack's
    /// size limit comes before the memory limit.
    private func assertStopped(_ result: Result<[RunValue], LuaError>, _ what: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        switch result {
        case .failure(.limit): break
        case .failure(.runtime(let m, _, _)) where m.contains("stack overflow"): break
        default: XCTFail("\(what): \(result)", file: file, line: line)
        }
    }

    func testDeepRecursionStopsPromptlyAtEveryMemoryCap() throws {
        let shapes = [
            "local function f() return f() + 1 end return f()",
            "local function f() local ok, e = pcall(f) if not ok then return f() end return 1 end return f()",
            "local function f() while true do pcall(f) end end return f()",
            "local t t = setmetatable({}, {__index = function(_, k) local ok = pcall(function() return t[k] end) return t[k] end}) return t.x",
            "local function f(s) return f(s .. 'x') + 1 end return f('')",
            "local function f() return coroutine.wrap(function() return f() + 1 end)() end return f()",
        ]
        for mb in [8, 48] {
            let h = try Harness(limits: Limits(timeout: 1, maxMemory: mb << 20))
            for code in shapes {
                let start = CPUTime.process()
                assertStopped(h.run(code), "\(mb) MB: \(code)")
                XCTAssertLessThan(CPUTime.process() - start, 3, "\(mb) MB: \(code)")
                XCTAssertLessThanOrEqual(h.host.statistics.memoryPeak, (mb + 2) << 20, "\(mb) MB: \(code)")
            }
            XCTAssertEqual(h.value("return 'still usable'"), "still usable")
            // Catching errors in a message handler: where the C stack runs out
            // first, the code ends normally; either way it ends promptly.
            let start = CPUTime.process()
            _ = h.run("local function f() xpcall(f, function(m) return f() end) return 1 end return f()")
            XCTAssertLessThan(CPUTime.process() - start, 3)
        }
    }

    /// A stack overflow at the bottom of a huge stack is reported at once:
    /// the traceback shows the innermost frames, not a walk of all of them.
    func testTracebacksOfDeepStacksAreShort() throws {
        let h = try Harness(limits: Limits(timeout: 5, maxMemory: 256 << 20))
        let start = CPUTime.process()
        guard case .runtime(let m, let traceback, _)? = h.error("local function f() return f() + 1 end return f()") else { return XCTFail() }
        XCTAssertLessThan(CPUTime.process() - start, 2)
        XCTAssertTrue(m.contains("stack overflow"), m)
        XCTAssertTrue(traceback.contains("in upvalue 'f'"), traceback)
        XCTAssertTrue(traceback.contains("more than 1000 levels"), traceback)
        XCTAssertLessThan(traceback.split(separator: "\n").count, 15)
        guard case .runtime(_, let shallow, _)? = h.error("local function f(n) if n == 0 then error('x') end return 1 + f(n - 1) end return f(50)") else { return XCTFail() }
        XCTAssertTrue(shallow.contains("skipping"), shallow)
        XCTAssertFalse(shallow.contains("more than 1000 levels"), shallow)
    }

    /// The request that crosses the memory limit fails at once, even when
    /// Lua's emergency collection frees a little before it asks again.
    func testTheAllocationThatCrossesTheLimitFails() throws {
        let h = try Harness(limits: Limits(timeout: 10, maxMemory: 16 << 20))
        let start = CPUTime.process()
        XCTAssertEqual(h.limit("local function f() return f() + 1 end return f()"), .memory)
        XCTAssertLessThan(CPUTime.process() - start, 2)
        XCTAssertLessThanOrEqual(h.host.statistics.memoryPeak, 16 << 20)
    }

    func testATripInsideNestedCoroutinesAndPcallsEndsTheRun() throws {
        let h = try Harness(limits: Limits(timeout: 2, maxMemory: 16 << 20))
        XCTAssertEqual(h.limit("""
            local co = coroutine.wrap(function()
              local function f() pcall(f) pcall(f) end
              f()
            end)
            pcall(co)
            return 'survived'
            """), .memory)
        XCTAssertEqual(h.limit("""
            local ok = pcall(function()
              local co = coroutine.create(function() local t = {} for i = 1, 1e9 do t[i] = i end end)
              coroutine.resume(co)
            end)
            return 'survived'
            """), .memory)
        XCTAssertEqual(h.value("return 1"), 1)
    }

    // MARK: json.decode

    func testDecodingAHugeDocumentStopsAtTheMemoryLimit() throws {
        let h = try Harness(limits: Limits(timeout: 5, maxMemory: 64 << 20))
        let start = CPUTime.process()
        XCTAssertEqual(h.limit(#"local s = '[' .. string.rep('{"a":1},', 2500000) .. '1]' return #json.decode(s)"#), .memory)
        XCTAssertLessThan(CPUTime.process() - start, 4)
        XCTAssertLessThanOrEqual(h.host.statistics.memoryPeak, 66 << 20)
        XCTAssertEqual(h.limit(#"local s = string.rep('[', 150) .. string.rep(']', 150) local t = {} for i = 1, 1e6 do t[i] = json.decode(s) end"#), .memory)
    }

    func testDecodingCannotBeCaughtPastALimit() throws {
        let h = try Harness(limits: Limits(timeout: 5, maxMemory: 32 << 20))
        XCTAssertEqual(h.limit(#"local s = '[' .. string.rep('[1,2,3],', 1e6) .. '1]' local ok = pcall(json.decode, s) return 'survived'"#), .memory)
    }

    /// json.decode (C) gives what JSON.parse followed by the Lua conversion
    /// gave, and fails with the same messages at the same offsets.
    func testDecodeAgreesWithTheSwiftParser() throws {
        let h = try Harness()
        var documents = [
            "0", "-0", "1", "-1", "1.0", "1e5", "1E-5", "-1.5e+300", "9223372036854775807",
            "-9223372036854775808", "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
            "0.1", "3.141592653589793", "5e-324", "true", "false", "null", "\"\"", "\"a\"", "\"é\"", "\"\\u00e9\"",
            "\"\\ud83d\\ude00\"", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\u0000x\"", "[]", "{}", "[[]]", "[{}]", "{\"a\":[]}",
            "[1,null,3]", "{\"a\":null}", "{\"a\":1,\"a\":2}", "{\"a\":1,\"a\":null}", "{\"a\":null,\"a\":1}",
            " \t\n\r[ 1 , 2 ]\n", "{\"\":1}", "[\"\\u2028\"]", "{\"a\":{\"b\":{\"c\":[true,false,null]}}}",
            // Invalid.
            "", " ", "[", "]", "{", "}", "[1,]", "[,1]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{a:1}", "{\"a\" 1}",
            "[1 2]", "tru", "nul", "falsey", "truex", "01", "-", "-a", "1.", "1.e5", ".5", "1e", "1e+", "+1", "0x10",
            "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\ud83d\"", "\"\\ud83dx\"", "\"\\ud83d\\u0041\"", "\"\\ude00\"",
            "\"\u{01}\"", "[1]x", "NaN", "Infinity", "\"\\", "{\"a\":1", "[1", "{\"a\":1 \"b\":2}",
            String(repeating: "[", count: 200) + String(repeating: "]", count: 200),
            String(repeating: "[", count: 201) + String(repeating: "]", count: 201),
            String(repeating: "{\"a\":", count: 201) + "1" + String(repeating: "}", count: 201),
        ]
        // Mutations of a document with every kind of value, seeded.
        let sample = #"{"id":"123","n":-12.5e3,"ok":true,"none":null,"list":[1,"two",null,{"x":[]}],"s":"a\"b\\c\u00e9\ud83d\ude00"}"#
        var rng = SeededRandom(seed: 0x5EED)
        let bytes = Array(sample.utf8)
        for _ in 0..<300 {
            var mutated = bytes
            switch rng.next() % 3 {
            case 0: mutated = Array(mutated.prefix(Int(rng.next() % UInt64(bytes.count))))
            case 1: mutated[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
            default:
                let inserts = Array("[]{}\",:\\0e-".utf8)
                mutated.insert(inserts[Int(rng.next() % UInt64(inserts.count))], at: Int(rng.next() % UInt64(bytes.count)))
            }
            documents.append(String(decoding: mutated, as: UTF8.self))
        }
        documents.append(sample)
        for doc in documents {
            let got = h.host.run("return json.decode(...)", name: "=test", arguments: [.string(doc)])
            do {
                let expected = Self.luaView(try JSON.parse(doc))
                // Deeper than a returned value may be converted back (100): compare the shape only.
                if Self.depth(of: expected) > LuaJSON.maxDepth {
                    // Too deep for JSON: shown as Lua writes it, cut at LuaDisplay's depth.
                    guard case .success(let values) = got, case .opaque(let shown)? = values.first else { XCTFail("\(doc): \(got)"); continue }
                    XCTAssertTrue(shown.hasPrefix("{") && shown.contains("{…}"), "\(doc): \(shown)")
                } else {
                    XCTAssertEqual(got, .success([.json(expected)]), doc)
                }
            } catch {
                guard case .failure(.runtime(let m, _, _)) = got else { XCTFail("\(doc): expected an error, got \(got)"); continue }
                XCTAssertEqual(m, "test:1: json.decode: \(error)", doc)
            }
        }
        // Invalid UTF-8 (not expressible in a Swift string argument).
        guard case .runtime(let m, _, _)? = h.error(#"return json.decode('"a\255"')"#) else { return XCTFail() }
        XCTAssertTrue(m.hasSuffix("json.decode: invalid JSON at byte 1: string is not valid UTF-8"), m)
        for overlong in [#"'"\192\175"'"#, #"'"\237\160\128"'"#, #"'"\244\144\128\128"'"#, #"'"\224\128\175"'"#] {
            XCTAssertNotNil(h.error("return json.decode(\(overlong))"), overlong)
        }
        XCTAssertEqual(h.value(#"return json.decode('"\240\159\152\128"') == '\u{1F600}'"#), true)
        guard case .runtime(let m2, _, _)? = h.error("return json.decode({})") else { return XCTFail() }
        XCTAssertTrue(m2.contains("bad argument #1 to 'json_decode' (string expected, got table)"), m2)
        XCTAssertEqual(h.value("return json.decode(12)"), 12)
        XCTAssertEqual(h.value("return json.decode('1e400') == math.huge and json.decode('-1e400') == -math.huge"), true)
    }

    static func depth(of json: JSON) -> Int {
        switch json {
        case .array(let items): return 1 + (items.map(depth).max() ?? 0)
        case .object(let fields): return 1 + (fields.values.map(depth).max() ?? 0)
        default: return 0
        }
    }

    /// What the Lua side sees of a parsed document: null object fields absent.
    static func luaView(_ json: JSON) -> JSON {
        switch json {
        case .array(let items): return .array(items.map(luaView))
        case .object(let fields): return .object(fields.filter { !$0.value.isNull }.mapValues(luaView))
        default: return json
        }
    }

    // MARK: json.encode and conversions

    func testEncodingAHugeTableStopsAtTheMemoryLimit() throws {
        let h = try Harness(limits: Limits(timeout: 5, maxMemory: 48 << 20))
        let start = CPUTime.process()
        // Fits in Lua, but not once more as Swift values.
        XCTAssertEqual(h.limit("local t = {} for i = 1, 5e5 do t[i] = string.format('%020d', i) end return #json.encode(t)"), .memory)
        // Text much bigger than its table: deep pretty-printing, escaped control characters.
        XCTAssertEqual(h.limit("""
            local t = {} local c = t for i = 1, 90 do c.x = {} c = c.x end
            c.list = {} for i = 1, 2e5 do c.list[i] = i end
            return #json.encode(t, true)
            """), .memory)
        XCTAssertEqual(h.limit("local s = string.rep('\\1', 1e7) return #json.encode({s, s})"), .memory)
        XCTAssertLessThan(CPUTime.process() - start, 8)
        XCTAssertEqual(h.value("return json.encode({a = {1, 2}, b = 'x'})"), "{\"a\":[1,2],\"b\":\"x\"}")
    }

    func testReturnedValuesAreConvertedWithinTheBudget() throws {
        // 16 MB in Lua, another 24 MB as Swift values.
        let h = try Harness(limits: Limits(timeout: 5, maxMemory: 32 << 20))
        XCTAssertEqual(h.limit("local t = {} for i = 1, 1e6 do t[i] = i end return t"), .memory)
        XCTAssertEqual(h.value("local t = {} for i = 1, 1000 do t[i] = i end return #t"), 1000)
    }

    func testHostResultsArePushedWithinTheBudget() throws {
        let h = try Harness(limits: Limits(timeout: 5, maxMemory: 16 << 20))
        let big = JSON.array(Array(repeating: .string(String(repeating: "x", count: 100)), count: 300_000))
        h.host.register(global: "big") { _ in .values([big]) }
        h.host.register(global: "bigLater") { _ in .suspend { [big] } }
        h.host.register(global: "hugeString") { _ in .values([.string(String(repeating: "y", count: 64 << 20))]) }
        XCTAssertEqual(h.limit("local t = big() return #t"), .memory)
        XCTAssertEqual(h.limit("local ok = pcall(big) return 'survived'"), .memory)
        XCTAssertEqual(h.limit("local t = bigLater() return #t"), .memory)
        XCTAssertEqual(h.limit("local s = hugeString() return #s"), .memory)
        XCTAssertLessThanOrEqual(h.host.statistics.memoryPeak, 18 << 20)
        XCTAssertEqual(h.value("return 'still usable'"), "still usable")
    }

    func testArgumentsTooBigForTheBudgetStopTheRun() throws {
        let h = try Harness(limits: Limits(timeout: 5, maxMemory: 8 << 20))
        let result = h.host.run("return #...", name: "=test", arguments: [.string(String(repeating: "z", count: 16 << 20))])
        guard case .failure(.limit(.memory, _)) = result else { return XCTFail("\(result)") }
    }

    // MARK: Bounded text

    func testBoundedTextStopsAtItsCapOnACharacterBoundary() {
        var text = BoundedText(OutputBudget(bytes: 10, deadline: nil))
        XCTAssertTrue(text.append("12345"))
        XCTAssertFalse(text.append("6789éé"))
        XCTAssertEqual(text.text, "123456789")
        XCTAssertEqual(text.stop, .output)
        XCTAssertFalse(text.append("more"))
        XCTAssertEqual(text.text, "123456789")
        XCTAssertTrue(text.marker?.contains("output limit") == true)
        XCTAssertTrue(text.limitMessage?.contains("--max-output") == true)
    }

    func testBoundedTextStopsAtItsDeadline() {
        var text = BoundedText(OutputBudget(bytes: nil, deadline: Date(timeIntervalSinceNow: -1)))
        XCTAssertFalse(text.append("x"))
        XCTAssertEqual(text.stop, .timeout)
        XCTAssertTrue(text.limitMessage?.contains("--timeout") == true)
        var open = BoundedText()
        for _ in 0..<1000 { open.append("abc") }
        XCTAssertNil(open.stop)
        XCTAssertEqual(open.text.utf8.count, 3000)
    }

    func testResultBudgetIsWhatTheRunLeft() throws {
        let h = try Harness(limits: Limits(timeout: 10, maxMemory: 64 << 20, maxOutput: 1000))
        _ = h.run("print(string.rep('x', 99))")
        XCTAssertEqual(h.host.resultBudget.bytes, 900)
        XCTAssertEqual(h.host.resultBudget.capacity, 1000)
        XCTAssertNotNil(h.host.resultBudget.deadline)
    }
}

