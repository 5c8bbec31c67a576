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

/// Results are printed through `BoundedText` (within --max-output and the
/// run's deadline). Unbounded, the renderings are exactly what they were;
/// bounded, they are a prefix of that, cut on a character boundary, with
/// the stop recorded.
final class BoundedFormattingTests: XCTestCase {

    private func randomJSON(_ depth: Int, _ g: inout SeededRandom) -> JSON {
        let strings = ["", "a", "name", "é", "line\nbreak", "quote\"", "tab\t", "\u{1}", "😀", "long " + String(repeating: "x", count: 40)]
        switch Int(g.next() % (depth > 3 ? 6 : 8)) {
        case 0: return .null
        case 1: return .bool(g.next() % 2 == 0)
        case 2: return .int(Int64(bitPattern: g.next()) >> Int64(g.next() % 60))
        case 3: return .double(Double(Int64(g.next() % 100_000)) / 7)
        case 4, 5: return .string(strings[Int(g.next() % UInt64(strings.count))])
        case 6: return .array((0..<Int(g.next() % 6)).map { _ in randomJSON(depth + 1, &g) })
        default:
            var o: [String: JSON] = [:]
            for _ in 0..<Int(g.next() % 6) { o[strings[Int(g.next() % UInt64(strings.count))] + "k"] = randomJSON(depth + 1, &g) }
            return .object(o)
        }
    }

    func testUnboundedRenderingsAreUnchanged() {
        var g = SeededRandom(seed: 0x5EED)
        for _ in 0..<500 {
            let v = randomJSON(0, &g)
            XCTAssertEqual(ValueFormatter.machine([.json(v)]), v.encoded(.pretty))
            XCTAssertEqual(ValueFormatter.machine([.json(v), .opaque("function")]), JSON.array([v, "function"]).encoded(.pretty))
            switch v {
            case .array, .object: XCTAssertEqual(ValueFormatter.human(v), v.encoded(.pretty))
            case .string(let s): XCTAssertEqual(ValueFormatter.human(v), s)
            case .null: XCTAssertEqual(ValueFormatter.human(v), "nil")
            default: XCTAssertEqual(ValueFormatter.human(v), v.encoded())
            }
        }
        let record: JSON = ["id": "7", "firstName": "Ada", "lastName": "L", "email": "a@x", "ownerId": "9", "tags": ["a", "b"], "empty": ""]
        XCTAssertEqual(RecordFormatter.format(record), "id: 7\nName: Ada L\nEmail: a@x\nOwner: 9\n  tags: a, b")
        XCTAssertEqual(RecordFormatter.format(.array([record, record])), "id: 7\nName: Ada L\nEmail: a@x\nOwner: 9\n  tags: a, b\n\nid: 7\nName: Ada L\nEmail: a@x\nOwner: 9\n  tags: a, b")
        XCTAssertEqual(RecordFormatter.format(.array(Array(repeating: ["id": 1], count: 3)), maxItems: 2), "id: 1\n\nid: 1\n\n… 1 more (3 in all)")
    }

    func testBoundedRenderingsArePrefixesWithAStop() {
        var g = SeededRandom(seed: 0xC0FFEE)
        for _ in 0..<300 {
            let v = randomJSON(0, &g)
            for cap in [0, 1, 5, 37, 200, 5000] {
                let renderings: [(String, (inout BoundedText) -> Void)] = [
                    (ValueFormatter.machine([.json(v)]), { ValueFormatter.machine([.json(v)], into: &$0) }),
                    (ValueFormatter.human(v), { ValueFormatter.human(v, into: &$0) }),
                    (RecordFormatter.format(v), { RecordFormatter.format(v, into: &$0) }),
                ]
                for (full, render) in renderings {
                    var text = BoundedText(OutputBudget(bytes: cap, deadline: nil))
                    render(&text)
                    if full.utf8.count > cap {
                        XCTAssertEqual(text.stop, .output, "\(cap): \(full)")
                        XCTAssertLessThanOrEqual(text.text.utf8.count, cap)
                        XCTAssertGreaterThanOrEqual(text.text.utf8.count, cap - 3, "cut only to a character boundary")
                        XCTAssertTrue(Array(full.utf8).starts(with: Array(text.text.utf8)), "\(cap): \(text.text) / \(full)")
                    } else {
                        XCTAssertNil(text.stop)
                        XCTAssertEqual(text.text, full)
                    }
                }
            }
        }
    }

    /// What cannot be shown is not built: a 64 MB string or a million items
    /// with a 16 KB budget costs about what 16 KB costs.
    func testHugeValuesCostWhatCanBeShown() {
        let huge = JSON.string(String(repeating: "é", count: 32 << 20))
        let many = JSON.array((0..<1_000_000).map { .int($0) })
        let start = CPUTime.process()
        for v in [huge, many, JSON.object(["k": huge])] {
            var text = BoundedText(OutputBudget(bytes: 16 << 10, deadline: nil))
            ValueFormatter.machine([.json(v)], into: &text)
            XCTAssertEqual(text.stop, .output)
            var human = BoundedText(OutputBudget(bytes: 16 << 10, deadline: nil))
            RecordFormatter.format(v, into: &human)
            XCTAssertEqual(human.stop, .output)
        }
        // A guard against building the whole text (minutes of work), not a
        // timing goal: in CPU seconds, which a loaded machine cannot inflate.
        XCTAssertLessThan(CPUTime.process() - start, 60)
        var late = BoundedText(OutputBudget(bytes: nil, deadline: Date()))
        ValueFormatter.machine([.json(many)], into: &late)
        XCTAssertEqual(late.stop, .timeout)
    }
}
