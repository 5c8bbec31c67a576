import DeskCatalog
import DeskCore
@testable import DeskGate
@testable import DeskRepl
import DeskSim
import Foundation
import JSONValue
import LuaHost
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import TestSupport
import XCTest

/// Seeded property tests: every input either converts/validates or fails
/// with a clear error — never a crash, never a hang. Quick by default;
/// `scripts/fuzz` sets ZDSH_FUZZ_ITERATIONS for a long run.
final class FuzzTests: XCTestCase {

    // MARK: - JSON text

    func testJSONRoundTripAndMutations() {
        var r = SplitMix64(seed: Fuzz.seed)
        let tally = Fuzz.Tally("json.parse")
        for _ in 0..<Fuzz.iterations(3000) {
            let v = Gen.json(&r)
            let text = v.encoded(r.chance(0.3) ? .pretty : [])
            // Round trip: what we encode parses back to the same value.
            guard let back = try? JSON.parse(text), back == v else {
                tally.fail("encode/parse round trip changed the value", input: text); continue
            }
            tally.ok("roundtrip")
            // Mutations: must parse or throw JSONParseError, never crash.
            var bytes = Array(text.utf8)
            switch r.int(0...5) {
            case 0 where bytes.count > 1:   // truncation
                let cut = r.int(0...bytes.count - 1)
                bytes = Array(bytes[..<cut])
                switch v {
                case .array, .object, .string:  // a strict prefix of a container or string is never complete
                    if (try? JSON.parse(bytes)) != nil {
                        tally.fail("truncated document parsed", input: String(decoding: bytes, as: UTF8.self)); continue
                    }
                default: break
                }
            case 1 where !bytes.isEmpty: bytes[r.int(0...bytes.count - 1)] = UInt8(r.int(0...255))
            case 2: bytes.insert(contentsOf: (0..<r.int(1...8)).map { _ in UInt8(r.int(0...255)) }, at: r.int(0...bytes.count))
            case 3: bytes = Array(("[" + String(repeating: "9", count: r.int(1...2000)) + (r.chance(0.5) ? "e99999" : "") + "]").utf8)
            case 4: bytes = Array((String(repeating: r.chance(0.5) ? "[" : "{\"a\":", count: r.int(150...20_000))).utf8)
            default: bytes = Array(("{\"id\": " + r.pick(["1e400", "-1e400", "18446744073709551616", "-9223372036854775809",
                                                          "0.0000000000000000000000000001e-400", "01", "-", "1.", ".5", "NaN", "Infinity",
                                                          "\"\\ud800\"", "\"\\uZZZZ\"", "\"\u{0}\"", "true false"]) + "}").utf8)
            }
            do {
                let parsed = try JSON.parse(bytes)
                // Anything accepted must re-encode and re-parse stably.
                guard (try? JSON.parse(parsed.encoded())) == parsed || parsed.encoded().contains("null") else {
                    tally.fail("accepted input does not round trip", input: String(decoding: bytes, as: UTF8.self)); continue
                }
                tally.ok("mutant-accepted")
            } catch let e as JSONParseError {
                if e.description.isEmpty { tally.fail("empty parse error", input: String(decoding: bytes, as: UTF8.self)) } else { tally.ok("mutant-rejected") }
            } catch {
                tally.fail("unexpected error type \(type(of: error))", input: String(decoding: bytes, as: UTF8.self))
            }
        }
        // Wrong-typed accessors on parsed values never trap.
        for text in ["{\"id\": \"12\"}", "{\"id\": 1.5}", "{\"id\": [1]}", "[null]", "12345678901234567890123"] {
            let j = try? JSON.parse(text)
            _ = j?["id"]?.intValue; _ = j?["id"]?.stringValue; _ = j?[0]?.objectValue; _ = j?[5]; _ = j?.doubleValue
            tally.ok("accessors")
        }
        XCTAssertEqual((try? JSON.parse("9223372036854775807")), .int(.max))
        XCTAssertEqual((try? JSON.parse("-9223372036854775808")), .int(.min))
        XCTAssertEqual((try? JSON.parse("9223372036854775808")), .double(9223372036854775808.0))
        tally.report()
        XCTAssertEqual(tally.failures, 0)
    }

    // MARK: - Lua ⇄ Swift

    func testLuaConversionRoundTrip() throws {
        var r = SplitMix64(seed: Fuzz.seed &+ 1)
        let tally = Fuzz.Tally("lua.convert")
        let host = try LuaHost(options: .init(limits: Limits(timeout: 10), output: { _ in }))
        defer { host.close() }
        for _ in 0..<Fuzz.iterations(600, scaledBy: 5) {
            let v = Gen.json(&r, maxDepth: 4)
            if v == .null { continue }
            let expected = Gen.throughLua(v)
            // Swift → Lua → Swift as a chunk argument.
            switch host.run("return ...", name: "=fuzz", arguments: [v]) {
            case .success(let out) where out == [.json(expected)]: tally.ok("arg")
            case let other: tally.fail("argument round trip: \(other)", input: v.encoded())
            }
            // Lua literal → json.encode → json.decode → Swift.
            let literal = Gen.lua(v)
            switch host.run("local v = \(literal)\nlocal s = json.encode(v)\nreturn json.decode(s), s", name: "=fuzz") {
            case .success(let out):
                guard out.count == 2, out[0] == .json(expected), case .json(.string(let s))? = out.last,
                      (try? JSON.parse(s)) == v else {  // explicit json.null fields are sent, and dropped on decode
                    tally.fail("json.encode/decode changed the value: \(out.prefix(2))", input: literal); continue
                }
                tally.ok("encode")
            case .failure(let e): tally.fail("literal failed: \(e)", input: literal)
            }
        }
        // Adversarial values: each is accepted exactly or refused with a message.
        let adversarial: [(code: String, expect: String?)] = [
            ("return 0/0", "NaN"), ("return 1/0", nil), ("return -1/0", nil), ("return json.encode({x = 0/0})", "NaN"),
            ("return math.maxinteger, math.mininteger", nil), ("return -0.0", nil), ("return 2^63", nil), ("return 2^53 + 1", nil),
            ("return '\\xff\\xfe'", "UTF-8"), ("return json.encode({['\\xc3'] = 1})", "UTF-8"), ("return {'ok', '\\xed\\xa0\\x80'}", "UTF-8"),
            ("local t = {} t.self = t return t", nil), ("local t = {} t[1] = t return json.encode(t)", nil),
            ("local a, b = {}, {} a.b = b b.a = a return json.encode(a)", nil),
            ("local t = {} for i = 1, 150 do t = {t} end return json.encode(t)", "deep"),
            ("local t = {} for i = 1, 99 do t = {t} end return #json.encode(t)", nil),
            ("local t = {} for i = 1, 100000 do t = {x = t} end return json.encode(t)", "deep"),
            ("return json.decode(string.rep('[', 250) .. string.rep(']', 250))", "deep"),
            ("return json.decode(string.rep('[', 150) .. string.rep(']', 150))", "deep"),
            ("return #json.encode(string.rep('\\u{1F600}', 1 << 18))", nil),
            ("return {[1] = 'a', [3] = 'c'}", nil), ("return {1, 2, x = 3}", nil), ("return {[1.5] = 1}", nil),
            ("return {[true] = 1}", nil), ("return json.encode(print)", nil), ("return json.encode(coroutine.create(print))", nil),
            ("return json.encode({f = function() end})", nil), ("return json.decode(12)", nil), ("return json.decode('{\"a\":')", nil),
            ("return json.decode('\"\\\\ud83d\"')", nil), ("return json.decode('1' .. string.rep('0', 400))", nil),
            ("return json.decode('-' .. string.rep('9', 30))", nil), ("return json.encode(json.null), json.encode(json.array())", nil),
            ("return setmetatable({}, {__index = function() error('boom') end})", nil),
            ("return setmetatable({}, {__pairs = function() error('boom') end, __len = function() return 5 end})", nil),
            ("return json.encode(setmetatable({}, {__tostring = function() return 'x' end}))", nil),
            ("return json.encode(string.rep('x', 8 << 20))", nil),
        ]
        let cases = Fuzz.long ? 20 : 1
        for _ in 0..<cases {
            for (code, expect) in adversarial {
                switch host.run(code, name: "=adv") {
                case .success: tally.ok("adv-ok")
                case .failure(.runtime(let m, _, _)), .failure(.syntax(let m)):
                    if m.isEmpty { tally.fail("empty error message", input: code) }
                    else if let expect, !m.localizedCaseInsensitiveContains(expect) && !(expect == "deep" && m.contains("deeper")) {
                        tally.fail("error should mention \(expect): \(m)", input: code)
                    } else { tally.ok("adv-error") }
                case .failure(.limit(let k, let m)): tally.ok("adv-limit-\(k.rawValue)"); _ = m
                case .failure(let e): tally.fail("host failure \(e)", input: code)
                }
                // The state stays usable afterwards.
                if host.run("return 1 + 1", name: "=probe") != .success([.json(.int(2))]) {
                    tally.fail("state unusable after case", input: code)
                }
            }
        }
        // Exactness of the edges.
        XCTAssertEqual(host.run("return math.maxinteger, math.mininteger, 2^53", name: "=e"),
                       .success([.json(.int(.max)), .json(.int(.min)), .json(.double(9007199254740992))]))
        tally.report()
        XCTAssertEqual(tally.failures, 0)
    }

    // MARK: - Binding argument validation, every catalog operation

    func testEveryOperationRejectsBadArgumentsCleanly() throws {
        var r = SplitMix64(seed: Fuzz.seed &+ 2)
        let tally = Fuzz.Tally("desk.api")
        let sim = Simulator()
        let backend = Backend.simulator(sim, options: .fast())
        var settings = CallGate.Settings()
        settings.dryRun = true
        settings.maxDestructive = .max
        let session = try Session(client: backend.client, policy: Policy(grants: [try Policy.Pattern("*")]),
                                  settings: settings, limits: Limits(timeout: 10), output: { _ in })
        let ops = Catalog.shared.operations
        XCTAssertGreaterThan(ops.count, 100)
        let rounds = Fuzz.iterations(2, scaledBy: 500)
        let junkKeys = ["", "body", "query", "from", "limit", "id", "__proto__", "orgId", "💥", "a.b", "x y"]
        func value(_ schema: Schema?, _ depth: Int = 0) -> String {
            switch r.int(0...13) {
            case 0: return "nil"
            case 1: return r.chance(0.5) ? "true" : "false"
            case 2: return Gen.lua(.int(r.pick(Gen.edgeIntegers)))
            case 3: return r.pick(["0/0", "1/0", "-1.5", "1e308", "0.1", "-0.0"])
            case 4: return Gen.luaString(Array(Gen.string(&r).utf8))
            case 5: return r.pick(["'\\xff'", "string.rep('9', 5000)", "''", "'-1'", "'1e999'", "'  '", "'null'"])
            case 6: return r.pick(["print", "coroutine.create(print)", "json.null", "json.array()", "io", "{}"])
            case 7 where depth < 3: return "{" + (0..<r.int(0...3)).map { _ in value(schema?.items, depth + 1) }.joined(separator: ", ") + "}"
            case 8 where depth < 3: return "{x = \(value(nil, depth + 1)), [1] = 2}"
            default:
                // Plausible-looking values per the schema (ids, enums, numbers).
                if let e = schema?.enumValues, !e.isEmpty { return Gen.luaString(Array(r.pick(e).utf8)) }
                if schema?.types.contains("integer") == true { return "\(r.int(-5...300))" }
                return Gen.luaString(Array(String(r.int(1...99_999_999_999)).utf8))
            }
        }
        for _ in 0..<rounds {
            for op in ops {
                var fields: [String] = []
                let names = op.parameters.map { ($0.name, Optional($0.schema)) }
                    + (op.body?.schema.properties ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, Optional($0.value)) }
                for (name, schema) in names where r.chance(0.7) { fields.append("[\(Gen.luaString(Array(name.utf8)))] = \(value(schema))") }
                if r.chance(0.3) { fields.append("[\(Gen.luaString(Array(r.pick(junkKeys).utf8)))] = \(value(nil))") }
                if r.chance(0.1) { fields.append("[\(r.int(1...3))] = \(value(nil))") }
                let arg = r.chance(0.08) ? r.pick(["nil", "42", "'str'", "print", "json.array()"]) : "{" + fields.joined(separator: ", ") + "}"
                let code = r.chance(0.5)
                    ? "return desk.api[\(Gen.luaString(Array(op.id.utf8)))](\(arg))"
                    : "local ok, e = pcall(desk.api[\(Gen.luaString(Array(op.id.utf8)))], \(arg)) if ok then return e end error(e, 0)"
                // Slow in CPU seconds: a loaded machine cannot make a call so.
                let (result, cpu) = CPUTime.ofProcess { session.run(code, name: "=fuzz") }
                if cpu > 5 { tally.fail("slow call (\(cpu) s of CPU)", input: code) }
                switch result {
                case .success: tally.ok("accepted")
                case .failure(.runtime(let m, _, let ev)):
                    var kind: String?
                    if case .object(let o) = ev { kind = o["zdsh_error"]?.stringValue }
                    let clear = !m.isEmpty && (m.contains(op.id) || m.contains("desk.api") || m.contains("bad argument")
                                               || kind != nil)
                    if clear { tally.ok(kind ?? "rejected") }
                    else { tally.fail("unclear error: \(m)", input: code) }
                case .failure(let e): tally.fail("unexpected failure: \(e)", input: code)
                }
            }
        }
        // Dry run: nothing mutating reached the simulator.
        let catalogSafety = Dictionary(ops.map { ($0.id, $0.safety) }, uniquingKeysWith: { a, _ in a })
        let sent = sim.requestLog.filter { $0.method != "GET" && catalogSafety[$0.operationId ?? ""] != .read }
        XCTAssertEqual(sent.map { "\($0.method) \($0.path)" }, [], "dry run let a mutating call through")
        tally.report()
        XCTAssertEqual(tally.failures, 0)
    }

    // MARK: - Policy patterns

    func testPolicyPatterns() {
        var r = SplitMix64(seed: Fuzz.seed &+ 3)
        let tally = Fuzz.Tally("policy.pattern")
        let alphabet: [Character] = ["a", "b", "c", ".", ".", "*", "_", "1", "é", " ", "-", "(", "[", "\\", "$", "^", "?", "+", "|", "\u{0}", "😀"]
        let nameAlphabet: [Character] = ["a", "b", "c", ".", "_", "1", "é"]
        func reference(_ p: [Character], _ n: [Character]) -> Bool {
            // `*` last: any rest; elsewhere: any run without '.'.
            guard let c = p.first else { return n.isEmpty }
            if c == "*" {
                if p.count == 1 { return true }
                var i = 0
                while true {
                    if reference(Array(p.dropFirst()), Array(n.dropFirst(i))) { return true }
                    if i >= n.count || n[i] == "." { return false }
                    i += 1
                }
            }
            guard let f = n.first, f == c else { return false }
            return reference(Array(p.dropFirst()), Array(n.dropFirst()))
        }
        for _ in 0..<Fuzz.iterations(4000) {
            let len = r.chance(0.02) ? r.int(190...260) : r.int(0...10)
            let text = String((0..<len).map { _ in r.chance(0.75) ? r.pick(Array(nameAlphabet.prefix(6)) + ["*"]) : r.pick(alphabet) })
            do {
                let p = try Policy.Pattern(text)
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty, trimmed.count <= 200, !trimmed.contains(where: { " -([\\$^?+|\u{0}😀".contains($0) }) else {
                    tally.fail("accepted an invalid pattern", input: text); continue
                }
                for _ in 0..<8 {
                    let name = String((0..<r.int(0...10)).map { _ in r.pick(nameAlphabet) })
                    if p.matches(name) != reference(Array(trimmed), Array(name)) {
                        tally.fail("matches(\(name)) = \(p.matches(name)) disagrees with the glob reference", input: text)
                    }
                }
                if !trimmed.contains("*"), !p.matches(trimmed) { tally.fail("pattern does not match itself", input: text) }
                tally.ok("valid")
            } catch let e as PolicyError {
                if e.description.contains("invalid operation pattern") { tally.ok("invalid") }
                else { tally.fail("unclear PolicyError \(e)", input: text) }
            } catch {
                tally.fail("unexpected error \(error)", input: text)
            }
        }
        tally.report()
        XCTAssertEqual(tally.failures, 0)
    }
}
