import CLua
import DeskSim
import Foundation
import JSONValue
import LuaHost
import TestSupport
import XCTest

/// Differential test of the sandbox's pattern matcher (Sources/CLuaShim/
/// pattern.c) against the system Lua's string library: random patterns and
/// subjects, string.find / match / gmatch / gsub run in a sandboxed state
/// and in a plain `luaL_newstate` + `luaL_openlibs` state, results and error
/// messages compared case by case.
///
/// Default size runs in CI in a few seconds; `ZDSH_FUZZ_ITERATIONS` (as set
/// by `scripts/fuzz`) sets the number of cases, `ZDSH_FUZZ_SEED` the seed.
final class PatternDiffTests: XCTestCase {
    static let env = ProcessInfo.processInfo.environment
    static var iterations: Int { env["ZDSH_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 30000 }
    static var seed: UInt64 { env["ZDSH_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x9A77_E54 }


    // MARK: - Generators

    /// Subject bytes: letters of both cases, digits, the bytes patterns treat
    /// specially, whitespace, control bytes, NUL and bytes above 127.
    static let subjectBytes: [UInt8] = Array("aabbcAB019 _-.,%()[]{}^$*+?\t\n".utf8) + [0, 1, 127, 200, 255]
    static let literalBytes: [UInt8] = Array("aabbcAB019 _,{}\t".utf8) + [0, 200]
    static let classLetters: [UInt8] = Array("adlsuwxpcgADLSUWXPCGz".utf8)
    static let escapedBytes: [UInt8] = Array("%.-[]()^$*+?a".utf8) + [0]

    static func subject(_ r: inout SeededRandom) -> [UInt8] {
        let n = r.chance(10) ? r.int(40) : r.int(14)
        if r.chance(15) {
            // Runs of a few bytes make backtracking and %b/%f interesting.
            let unit = (0..<(1 + r.int(3))).map { _ in r.pick(Array("ab()".utf8)) }
            return Array((0..<n).map { unit[$0 % unit.count] })
        }
        return (0..<n).map { _ in r.pick(subjectBytes) }
    }

    static func setText(_ r: inout SeededRandom) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        if r.chance(30) { out.append(UInt8(ascii: "^")) }
        if r.chance(8) { out.append(UInt8(ascii: "]")) }
        for _ in 0..<(1 + r.int(3)) {
            switch r.int(6) {
            case 0: out += [r.pick(Array("a0A(".utf8)), UInt8(ascii: "-"), r.pick(Array("cz9Z)".utf8))]
            case 1: out += [UInt8(ascii: "%"), r.pick(classLetters + escapedBytes)]
            case 2: out.append(UInt8(ascii: "-"))
            default: out.append(r.pick(subjectBytes.filter { $0 != UInt8(ascii: "]") && $0 != UInt8(ascii: "%") }))
            }
        }
        if !r.chance(4) { out.append(UInt8(ascii: "]")) }
        return out
    }

    static func single(_ r: inout SeededRandom) -> [UInt8] {
        switch r.int(10) {
        case 0, 1, 2: return [r.pick(literalBytes)]
        case 3: return [UInt8(ascii: ".")]
        case 4, 5: return [UInt8(ascii: "%"), r.pick(classLetters)]
        case 6: return [UInt8(ascii: "%"), r.pick(escapedBytes)]
        default: return setText(&r)
        }
    }

    static func pattern(_ r: inout SeededRandom) -> [UInt8] {
        var out: [UInt8] = []
        if r.chance(20) { out.append(UInt8(ascii: "^")) }
        var open = 0
        let items = r.chance(3) ? 40 + r.int(60) : 1 + r.int(7)
        var quantified = 0
        for _ in 0..<items {
            switch r.int(20) {
            case 0: out.append(UInt8(ascii: "(")); open += 1
            case 1: out += Array("()".utf8)
            case 2 where open > 0 || r.chance(10): out.append(UInt8(ascii: ")")); open -= 1
            case 3: out += [UInt8(ascii: "%"), UInt8(ascii: "b")] + (0..<(r.chance(5) ? r.int(2) : 2)).map { _ in r.pick(Array("()ab[]".utf8)) }
            case 4: out += Array("%f".utf8) + (r.chance(5) ? [] : setText(&r))
            case 5: out += [UInt8(ascii: "%"), UInt8(ascii: "0") + UInt8(r.chance(80) ? 1 + r.int(3) : r.int(10))]
            case 6: out.append(r.pick(Array("^$*+-?".utf8)))
            default:
                out += single(&r)
                if r.chance(items > 20 ? 10 : 45), quantified < 4 {
                    out.append(r.pick(Array("*+-?".utf8)))
                    quantified += 1
                }
            }
        }
        while open > 0, r.chance(70) { out.append(UInt8(ascii: ")")); open -= 1 }
        if r.chance(20) { out.append(UInt8(ascii: "$")) }
        if r.chance(3) { out.append(UInt8(ascii: "%")) }
        return out
    }

    /// A Lua string literal that says every byte as \ddd unless it is plain.
    static func lit(_ bytes: [UInt8]) -> String {
        var s = "\""
        for b in bytes {
            if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x20 {
                s.append(Character(UnicodeScalar(b)))
            } else {
                s += "\\" + String(format: "%03d", b)
            }
        }
        return s + "\""
    }

    static func initArg(_ r: inout SeededRandom) -> String {
        r.chance(50) ? "nil" : String(r.int(30) - 12)
    }

    /// One case as a Lua table constructor: {op, subject, pattern, a3, a4}.
    static func caseLiteral(_ r: inout SeededRandom) -> String {
        let s = lit(subject(&r)), p = lit(pattern(&r))
        switch r.int(4) {
        case 0: return "{'find', \(s), \(p), \(initArg(&r)), \(r.chance(15) ? "true" : "nil")}"
        case 1: return "{'match', \(s), \(p), \(initArg(&r))}"
        case 2: return "{'gmatch', \(s), \(p), \(initArg(&r))}"
        default:
            let repl: String
            switch r.int(8) {
            case 0: repl = "'f'"
            case 1: repl = "'t'"
            case 2: repl = "7"
            default:
                let parts = (0..<r.int(4)).map { _ -> String in
                    r.pick(["x", "%0", "%1", "%2", "%%", "-", "%3", "%9"] + (r.chance(10) ? ["%", "%a"] : []))
                }
                repl = lit(Array(parts.joined().utf8))
            }
            let maxn = r.chance(70) ? "nil" : String(r.int(6) - 1)
            return "{'gsub', \(s), \(p), \(repl), \(maxn)}"
        }
    }

    /// Runs the cases and returns one line per case: its results or its
    /// error, every byte outside printable ASCII escaped. Pure Lua, no
    /// patterns, so it reports the matcher without using it.
    static let driver = #"""
    local cases = ...
    local function esc(v)
      local t = type(v)
      if t == "string" then
        local out = {}
        for i = 1, #v do
          local b = string.byte(v, i)
          if b >= 32 and b < 127 and b ~= 92 then out[#out + 1] = string.char(b)
          else out[#out + 1] = "\\" .. b .. ";" end
        end
        return "'" .. table.concat(out) .. "'"
      elseif t == "number" then
        return (math.type(v) == "integer" and "i" or "f") .. tostring(v)
      end
      return t
    end
    local function all(n, ...)
      local out = {}
      for i = 1, n do out[i] = esc((select(i, ...))) end
      return table.concat(out, ",")
    end
    local tablerepl = setmetatable({}, {__index = function(_, k)
      if k == "a" or k == 1 then return false end
      if k == "b" then return "B" end
      if k == 2 then return 22 end
      if k == "ab" then return {} end
      return nil
    end})
    local function fnrepl(...)
      local n = select("#", ...)
      local first = ...
      if first == "a" then return nil end
      if first == "ab" then return true end
      return "<" .. all(n, ...) .. ">"
    end
    local lines = {}
    for i, c in ipairs(cases) do
      local op, s, p, a3, a4 = c[1], c[2], c[3], c[4], c[5]
      local r
      if op == "gmatch" then
        r = table.pack(pcall(function()
          local out, it = {}, string.gmatch(s, p, a3)
          for _ = 1, 60 do
            local got = table.pack(it())
            if got[1] == nil then break end
            out[#out + 1] = "[" .. all(got.n, table.unpack(got, 1, got.n)) .. "]"
          end
          return table.concat(out)
        end))
      elseif op == "gsub" then
        local repl = a3
        if repl == "f" then repl = fnrepl elseif repl == "t" then repl = tablerepl end
        r = table.pack(pcall(string.gsub, s, p, repl, a4))
      else
        r = table.pack(pcall(string[op], s, p, a3, a4))
      end
      if r[1] then lines[i] = "ok " .. all(r.n - 1, table.unpack(r, 2, r.n))
      else lines[i] = "error " .. esc(tostring(r[2])) end
    end
    return table.concat(lines, "\n")
    """#

    static func program(_ cases: [String]) -> String {
        "local f = load(" + lit(Array(driver.utf8)) + ")\nreturn f({\n" + cases.joined(separator: ",\n") + "\n})"
    }

    /// The same program in a plain state with the system Lua's libraries.
    static func reference(_ source: String) -> String {
        guard let L = luaL_newstate() else { return "no state" }
        defer { lua_close(L) }
        luaL_openlibs(L)
        guard luaL_loadstring(L, source) == LUA_OK, lua_pcallk(L, 0, 1, 0, 0, nil) == LUA_OK else {
            return "reference failed: " + String(cString: lua_tolstring(L, -1, nil))
        }
        return String(cString: lua_tolstring(L, -1, nil))
    }

    func sandboxed(_ h: Harness, _ source: String) -> String {
        switch h.run(source) {
        case .success(let values):
            if case .json(.string(let s))? = values.first { return s }
            return "not a string: \(values)"
        case .failure(let e): return "sandbox failed: \(e)"
        }
    }

    @discardableResult
    func compare(_ cases: [String], _ h: Harness, failures: inout Int, file: StaticString = #filePath, line: UInt = #line) -> String {
        let source = Self.program(cases)
        let reference = Self.reference(source)
        let want = reference.components(separatedBy: "\n")
        let got = sandboxed(h, source).components(separatedBy: "\n")
        guard want.count == cases.count, got.count == cases.count else {
            failures += 1
            XCTFail("batch failed: want \(want.first ?? "") got \(got.first ?? "")", file: file, line: line)
            return reference
        }
        for i in 0..<cases.count where want[i] != got[i] {
            failures += 1
            if failures <= 20 {
                XCTFail("case \(cases[i])\n  system Lua: \(want[i])\n  sandbox:    \(got[i])", file: file, line: line)
            }
        }
        return reference
    }

    func testRandomPatternsMatchSystemLua() throws {
        var r = SeededRandom(seed: Self.seed)
        let total = Self.iterations
        var failures = 0, done = 0, errors = 0, misses = 0
        let start = Date()
        while done < total {
            // A fresh sandbox per batch keeps each run well inside its limits.
            let h = try Harness()
            let n = min(400, total - done)
            let lines = compare((0..<n).map { _ in Self.caseLiteral(&r) }, h, failures: &failures).components(separatedBy: "\n")
            errors += lines.filter { $0.hasPrefix("error") }.count
            misses += lines.filter { $0 == "ok nil" || $0 == "ok " }.count
            done += n
        }
        // The mix, so a generator that drifts to all errors or all misses shows.
        print(String(format: "FUZZ pattern-diff: cases=%d failures=%d errors=%d no-match=%d seconds=%.1f seed=%llu",
                     done, failures, errors, misses, Date().timeIntervalSince(start), Self.seed))
    }

    /// Edges the random cases reach rarely: the nesting and capture limits,
    /// long patterns (compiled outside the small buffer), init past the end.
    func testLimitsMatchSystemLua() throws {
        let h = try Harness()
        var cases: [String] = []
        for n in [198, 199, 200, 201] {
            cases.append("{'find', string.rep('a', \(n)), string.rep('a?', \(n))}")
            cases.append("{'find', string.rep('a', \(n)), string.rep('(a)', \(n / 10)) .. string.rep('a-', \(n))}")
            cases.append("{'match', string.rep('ab', \(n)), string.rep('%w', \(n)) .. '(.-)$'}")
            cases.append("{'find', string.rep('a', \(n)), string.rep('()', 20) .. string.rep('a*', \(n))}")
        }
        for n in [31, 32, 33] {
            cases.append("{'match', string.rep('a', 40), string.rep('(a)', \(n))}")
            cases.append("{'find', 'x', string.rep('()', \(n))}")
        }
        cases += [
            "{'find', 'abc', '', 4}", "{'find', 'abc', '', 5}", "{'find', 'abc', 'c', -1}", "{'find', 'abc', 'a', -100}",
            "{'gmatch', 'abc', '', 10}", "{'gmatch', 'abc', '', 4}", "{'gmatch', 'a,b,,c', '([^,]*)'}",
            "{'gsub', 'hello world', '%w+', '%0 %0', 1}", "{'gsub', 'abc', '', '-'}", "{'gsub', 'abc', '^', '>'}",
            "{'gsub', 'abc', '$', '<'}", "{'gsub', 'abc', '.', {a = 1}}", "{'match', 'THE (quick) fox', '%f[%a]%a+'}",
            "{'match', '[[x]]', '%b[]'}", "{'find', 'a.b', '.', 1, true}", "{'find', 'a+b', 'a+b'}",
            "{'gsub', 'abc', '%w', '%1'}", "{'gsub', 'abc', '(%w)', '%2'}", "{'match', 'key = value', '(%w+)%s*=%s*(%w+)'}",
        ]
        var failures = 0
        let reference = compare(cases, h, failures: &failures)
        // The edges were reached, not skipped.
        for message in ["pattern too complex", "too many captures", "invalid capture index %2"] {
            XCTAssertTrue(reference.contains(message), message)
        }
    }

    /// The budget still reaches a match that would run for hours.
    func testCatastrophicPatternHitsTheLimit() throws {
        let h = try Harness(limits: Limits(timeout: 10, maxMemory: 64 << 20, maxInstructions: 2_000_000, maxOutput: 1 << 20))
        XCTAssertEqual(h.limit("return string.find(string.rep('a', 40), string.rep('a*', 30) .. 'b')"), .instructions)
        let t = try Harness(limits: Limits(timeout: 0.5, maxMemory: 64 << 20, maxInstructions: 0, maxOutput: 1 << 20))
        XCTAssertEqual(t.limit("return pcall(string.find, string.rep('a', 40), string.rep('a*', 30) .. 'b')"), .timeout)
        // Few items over a long run: quadratic work in long greedy scans and
        // their backtracks; the deadline still stops it in time.
        let u = try Harness(limits: Limits(timeout: 0.5, maxMemory: 64 << 20, maxInstructions: 0, maxOutput: 1 << 20))
        let start = CPUTime.process()
        XCTAssertEqual(u.limit("return string.find(string.rep('a', 300000), 'a*a*b')"), .timeout)
        XCTAssertLessThan(CPUTime.process() - start, 2.5)
    }
}
