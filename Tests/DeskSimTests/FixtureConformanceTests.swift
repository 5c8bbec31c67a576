import DeskCatalog
import Foundation
import JSONValue
import XCTest
@testable import DeskSim

/// Fixtures hold only values the spec allows: every stateful read, answered
/// from each fixture file (and the generated bulk fixture), passes the strict
/// checker. The shaper adds missing fields and drops undocumented ones, so
/// what this catches is wrong values: enums, types, formats, patterns.
final class FixtureConformanceTests: XCTestCase {
    static let reads = Catalog.shared.operations.filter { $0.method == "GET" && HandlerRegistry.all[$0.id] != nil }

    func testEveryFixtureFileAnswersWithSpecValues() async throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let files = ["stdlib/fixtures/demo.json", "Tests/fixtures/scenarios/passing/fixtures/small_org.json"]
        for file in files {
            let fixture = try Fixture.load(path: repo.appendingPathComponent(file).path)
            let report = try await ConformanceWalk().run(operations: Self.reads, fixture: fixture) { sim, req in
                try await sim.transport.send(req)
            }
            XCTAssertEqual(report.violations.count, 0, "\(file):\n" + report.violations.prefix(40).map(\.description).joined(separator: "\n"))
        }
    }

    func testGeneratedBulkFixtureAnswersWithSpecValues() async throws {
        let report = try await ConformanceWalk().run(operations: Self.reads, fixture: .bulk(labelUsers: 30, tickets: 30)) { sim, req in
            try await sim.transport.send(req)
        }
        XCTAssertEqual(report.violations.count, 0, report.violations.prefix(40).map(\.description).joined(separator: "\n"))
    }
}
