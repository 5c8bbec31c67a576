import DeskCatalog
import Foundation
import JSONValue
import XCTest

/// Walks every operation and every effect rule: each rule names a real
/// operation and a field its schema has, and a sample call classifies both ways.
final class EffectRuleWalkTests: XCTestCase {
    var rules: [EffectRule] { Catalog.shared.operations.flatMap(\.effectRules) }

    func testEveryOperationHasAClassAndARuleFreeCallKeepsIt() {
        XCTAssertEqual(Catalog.shared.operations.count, 706)
        for op in Catalog.shared.operations {
            XCTAssertTrue(Safety.allCases.contains(op.safety), op.id)
            if op.effectRules.isEmpty {
                let c = op.classify(query: [:], body: nil)
                XCTAssertEqual(c, CallClassification(safety: op.safety, rule: nil, unbounded: op.unbounded, notifies: op.notifies), op.id)
            }
        }
    }

    func testRulesAreUniqueAndBelongToTheirOperation() {
        XCTAssertGreaterThanOrEqual(rules.count, 33)
        XCTAssertEqual(Set(rules.map(\.id)).count, rules.count, "rule ids must be unique")
        for op in Catalog.shared.operations {
            for rule in op.effectRules {
                XCTAssertEqual(rule.operationId, op.id, rule.id)
                XCTAssertFalse(rule.reason.isEmpty, rule.id)
                XCTAssertTrue(rule.safety > op.safety || (rule.unbounded && !op.unbounded) || (rule.notifies && !op.notifies),
                              "\(rule.id) changes nothing for \(op.id)")
            }
        }
    }

    func testEveryRuleFieldExistsInItsOperationsSchema() {
        for op in Catalog.shared.operations {
            for rule in op.effectRules {
                let c = rule.condition
                switch c.location {
                case .query:
                    XCTAssertEqual(c.path.count, 1, rule.id)
                    XCTAssertTrue(op.parameters.contains { $0.location == .query && $0.name == c.path[0] }, rule.id)
                case .body:
                    XCTAssertEqual(op.body?.contentType, "application/json", rule.id)
                    XCTAssertNotNil(op.body.flatMap { Self.schema(at: c.path, in: $0.schema) },
                                    "\(rule.id): \(op.id) has no \(c.field)")
                }
                if case .isOneOf(let values) = c.test, c.location == .body,  // typos would never match
                   let allowed = op.body.flatMap({ Self.schema(at: c.path, in: $0.schema) })?.enumValues {
                    let known = Set(allowed.map { $0.lowercased() })
                    for v in values { XCTAssertTrue(known.contains(v.lowercased()), "\(rule.id): \(v) not in \(allowed)") }
                }
            }
        }
    }

    /// For each operation with rules: a call that meets none keeps the reviewed
    /// class; the same call meeting one rule gets that rule's class and name.
    func testSampleCallsClassifyBothWays() {
        for op in Catalog.shared.operations where !op.effectRules.isEmpty {
            var quiet = EffectSample()
            for rule in op.effectRules {
                // A field two rules read (an article's status: Published notifies, any other
                // status unpublishes) is quiet only when left out.
                let shared = op.effectRules.contains { $0.id != rule.id && $0.condition.path == rule.condition.path }
                quiet.set(rule.condition, to: shared ? nil : Self.quietValue(rule, op))
            }
            let calm = op.classify(query: quiet.query, body: quiet.body)
            XCTAssertEqual(calm, CallClassification(safety: op.safety, rule: nil, unbounded: op.unbounded, notifies: op.notifies),
                           "\(op.id) with \(quiet.body?.encoded() ?? "no body")")

            for rule in op.effectRules {
                var loud = quiet
                loud.set(rule.condition, to: Self.matchingValue(rule))
                let c = op.classify(query: loud.query, body: loud.body)
                if rule.notifies {
                    XCTAssertTrue(c.notifies, rule.id)
                    XCTAssertEqual(c.notifyRule?.id, rule.id, rule.id)
                    XCTAssertEqual(c.safety, op.safety, rule.id)
                    continue
                }
                XCTAssertEqual(c.safety, max(op.safety, rule.safety), rule.id)
                XCTAssertEqual(c.unbounded, op.unbounded || rule.unbounded, rule.id)
                XCTAssertEqual(c.rule?.id, rule.id, "\(rule.id) with \(loud.body?.encoded() ?? "")")
                XCTAssertFalse(c.conservative, rule.id)
                XCTAssertNotNil(c.note, rule.id)
            }
        }
    }

    /// The catalog carries exactly the reviewed rows of catalog/effect-rules.tsv.
    func testCatalogMatchesTheReviewedFile() throws {
        guard let root = RepoPaths.root else { throw XCTSkip("repository not found from \(#filePath)") }
        let text = try String(contentsOf: root.appendingPathComponent("catalog/effect-rules.tsv"), encoding: .utf8)
        var rows: [String] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("rule\t") {
            rows.append(String(line))
        }
        let fromCatalog = Catalog.shared.operations.flatMap { op in
            op.effectRules.map { r in
                [r.id, r.operationId, r.condition.description, r.notifies ? "notify" : r.safety.rawValue, r.unbounded ? "unbounded" : "-", r.reason]
                    .joined(separator: "\t")
            }
        }
        XCTAssertEqual(Set(fromCatalog), Set(rows))
        XCTAssertEqual(fromCatalog.count, rows.count)
    }

    // MARK: - Samples

    static func matchingValue(_ rule: EffectRule) -> JSON? {
        switch rule.condition.test {
        case .isOneOf(let values): return .string(values[0])
        case .equals(let b): return .bool(b)
        case .differs(let b): return .bool(!b)
        case .isNoneOf(let values): return .string("zdsh-not-\(values[0])")
        case .present: return .string("someone@example.com")
        case .countAbove(let n): return .array((0...n).map { .string("10000000000\($0)") })
        case .hasFalse: return ["tickets": ["view": true, "delete": false]]
        }
    }

    static func quietValue(_ rule: EffectRule, _ op: DeskCatalog.Operation) -> JSON? {
        switch rule.condition.test {
        case .isOneOf(let values):
            let taken = Set(values.map { $0.lowercased() })
            let allowed = op.body.flatMap { schema(at: rule.condition.path, in: $0.schema) }?.enumValues ?? []
            return .string(allowed.first { !taken.contains($0.lowercased()) } ?? "zdsh-no-such-value")
        case .isNoneOf(let values): return .string(values[0])
        case .equals(let b): return .bool(!b)
        case .differs(let b): return .bool(b)
        case .present: return nil
        case .countAbove(let n): return .array((0..<n).map { .string("10000000000\($0)") })
        case .hasFalse: return ["tickets": ["view": true, "delete": true]]
        }
    }

    /// The schema of a body field, searching arrays element by element as the rules do.
    static func schema(at path: [String], in root: Schema) -> Schema? {
        var schema = root
        for name in path {
            while let items = schema.items, schema.properties == nil { schema = items }
            guard let next = schema.properties?[name] else { return nil }
            schema = next
        }
        return schema
    }
}

/// A call's query and body, built field by field.
struct EffectSample {
    var query: [String: String] = [:]
    var body: JSON?

    mutating func set(_ condition: EffectCondition, to value: JSON?) {
        switch condition.location {
        case .query:
            query[condition.path[0]] = value.flatMap { v in v.stringValue ?? v.encoded() }
        case .body:
            body = Self.setting(value, at: condition.path[...], in: body ?? .object([:]))
        }
    }

    private static func setting(_ value: JSON?, at path: ArraySlice<String>, in node: JSON) -> JSON {
        guard let name = path.first else { return value ?? .null }
        var fields = node.objectValue ?? [:]
        if path.count == 1 {
            fields[name] = value
        } else {
            fields[name] = setting(value, at: path.dropFirst(), in: fields[name] ?? .object([:]))
        }
        return .object(fields)
    }
}
