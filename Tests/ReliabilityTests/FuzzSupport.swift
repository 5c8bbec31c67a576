import DeskSim
import Foundation
import JSONValue
import XCTest

/// The simulator's seeded SplitMix64, with helpers for property tests.
typealias SplitMix64 = SeededRandom

extension SeededRandom {
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }
}

/// Run sizes: a quick default for `swift test`, or ZDSH_FUZZ_ITERATIONS
/// (scripts/fuzz) as the total per property; ZDSH_FUZZ_SEED fixes the seed.
enum Fuzz {
    static let env = ProcessInfo.processInfo.environment
    static var seed: UInt64 { env["ZDSH_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_2024 }
    static var long: Bool { env["ZDSH_FUZZ_ITERATIONS"] != nil }
    static func iterations(_ quick: Int) -> Int {
        env["ZDSH_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? quick
    }
    /// For expensive properties (one Lua run per case) in long mode.
    static func iterations(_ quick: Int, scaledBy divisor: Int) -> Int {
        env["ZDSH_FUZZ_ITERATIONS"].flatMap { Int($0) }.map { max(quick, $0 / divisor) } ?? quick
    }

    /// Counts cases and failures, reports the first few failing inputs, and
    /// prints one summary line that scripts/fuzz collects.
    final class Tally {
        let name: String
        let seed: UInt64
        var cases = 0
        var failures = 0
        var categories: [String: Int] = [:]
        let started = Date()
        init(_ name: String, seed: UInt64 = Fuzz.seed) { self.name = name; self.seed = seed }

        func ok(_ category: String = "ok") { cases += 1; categories[category, default: 0] += 1 }
        func fail(_ message: String, input: String, file: StaticString = #filePath, line: UInt = #line) {
            cases += 1
            failures += 1
            if failures <= 5 {
                XCTFail("[\(name) seed=\(seed)] \(message.prefix(800))\n  input: \(input.prefix(600))", file: file, line: line)
            }
        }
        func report() {
            let cats = categories.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let secs = String(format: "%.2f", Date().timeIntervalSince(started))
            print("FUZZ \(name): cases=\(cases) failures=\(failures) seed=\(seed) seconds=\(secs) [\(cats)]")
        }
    }
}

// MARK: - Generators

enum Gen {
    static let edgeIntegers: [Int64] = [0, 1, -1, Int64.max, Int64.min, Int64.max - 1, Int64.min + 1,
                                        1 << 53, (1 << 53) + 1, -(1 << 53) - 1, Int64(Int32.max), Int64(Int32.min),
                                        9_007_199_254_740_993, 4_000_000_000_000_000_123]
    static let edgeDoubles: [Double] = [0.5, -0.0, 1e-300, 1e300, 2.5e-308, 1.7976931348623157e308, 9_007_199_254_740_993.0,
                                        9.223372036854776e18, -9.223372036854776e18, 0.1, 1.0, 1e15, 1e16, 3.14159]
    static let scalars: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1}", "\u{1F}",
                                            "\u{7F}", "é", "ß", "中", "\u{2028}", "\u{FEFF}", "😀", "\u{10FFFF}", "%", "]"]

    static func string(_ r: inout SplitMix64, max: Int = 12) -> String {
        var s = String.UnicodeScalarView()
        for _ in 0..<r.int(0...max) {
            if r.chance(0.5) { s.append(r.pick(scalars)) } else { s.append(Unicode.Scalar(UInt8(r.int(32...126)))) }
        }
        return String(s)
    }

    static func json(_ r: inout SplitMix64, depth: Int = 0, maxDepth: Int = 5) -> JSON {
        let leaf = depth >= maxDepth || r.chance(0.45)
        switch leaf ? r.int(0...5) : r.int(6...7) {
        case 0: return .null
        case 1: return .bool(r.chance(0.5))
        case 2: return .int(r.chance(0.5) ? r.pick(edgeIntegers) : Int64(r.int(-1000...1000)))
        case 3:
            let d = r.chance(0.5) ? r.pick(edgeDoubles) : Double(r.int(-100_000...100_000)) / 64
            return .double(d)
        case 4, 5: return .string(r.chance(0.02) ? String(repeating: "x", count: r.int(10_000...200_000)) : string(&r))
        case 6: return .array((0..<r.int(0...5)).map { _ in json(&r, depth: depth + 1, maxDepth: maxDepth) })
        default:
            var o: [String: JSON] = [:]
            for _ in 0..<r.int(0...5) { o[string(&r, max: 6)] = json(&r, depth: depth + 1, maxDepth: maxDepth) }
            return .object(o)
        }
    }

    /// What a JSON value looks like after a trip through Lua: null object
    /// fields vanish (a missing field reads as nil); array nulls stay.
    static func throughLua(_ v: JSON) -> JSON {
        switch v {
        case .array(let a): return .array(a.map(throughLua))
        case .object(let o):
            return .object(o.filter { $0.value != .null }.mapValues(throughLua))
        default: return v
        }
    }

    /// A Lua literal for a JSON value (strings as decimal escapes, so any byte survives).
    static func lua(_ v: JSON) -> String {
        switch v {
        case .null: return "json.null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return i == Int64.min ? "math.mininteger" : "\(i)"
        case .double(let d): return "(\(String(format: "%.17g", d)) + 0.0)"
        case .string(let s): return luaString(Array(s.utf8))
        case .array(let a): return a.isEmpty ? "json.array()" : "{" + a.map(lua).joined(separator: ", ") + "}"
        case .object(let o):
            return "{" + o.map { "[\(luaString(Array($0.key.utf8)))] = \(lua($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    static func luaString(_ bytes: [UInt8]) -> String {
        if bytes.count > 4096 { return "string.rep(\"x\", \(bytes.count))" }  // huge strings: built, not spelled
        var s = "\""
        for b in bytes {
            if (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 32 { s.append(Character(Unicode.Scalar(b))) }
            else { s += "\\" + String(format: "%03d", Int(b)) }
        }
        return s + "\""
    }
}
