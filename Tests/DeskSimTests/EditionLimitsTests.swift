import DeskCatalog
import DeskCore
import JSONValue
import XCTest
@testable import DeskSim

/// Limits as Zoho's editions set them, paging minima per operation, a server
/// that ignores `from`, and per-id failures in every mass action (issue 15).
final class EditionLimitsTests: XCTestCase {
    func testEditionFigures() {
        XCTAssertEqual(Edition.allCases.map(\.concurrency), [5, 5, 10, 10, 15, 25])
        XCTAssertEqual(Edition.free.dailyCredits, 5_000)
        XCTAssertEqual(Edition.professional.dailyCredits, 75_000)
        XCTAssertEqual(Edition.enterprise.dailyCredits, 100_000)
    }

    /// Each operation's documented `from` minimum is enforced: 0 where the
    /// spec says 1 is refused with INVALID_DATA naming `from`.
    func testFromBelowTheOperationsMinimumIsRefused() async throws {
        let h = SimHarness()
        let withMinimumOne = Catalog.shared.operations.filter { op in
            op.method == "GET" && !op.path.contains("{")
                && op.parameters.contains { $0.name == "from" && $0.location == .query && $0.schema.minimum == 1 }
        }
        let op = try XCTUnwrap(withMinimumOne.first, "the spec has lists whose from starts at 1")
        let refused = try await h.call("GET", op.path + "?from=0&limit=1")
        XCTAssertEqual(refused.status, 422, op.id)
        XCTAssertEqual(refused.json?["errors"]?[0]?["fieldName"]?.stringValue, "from")
        let accepted = try await h.call("GET", op.path + "?from=1&limit=1")
        XCTAssertNotEqual(accepted.status, 422, op.id)
    }

    func testIgnoreFromFaultServesTheFirstPageAgain() async throws {
        let h = SimHarness()
        h.sim.addFault(FaultRule(operation: "getAgents", kind: .ignoreFrom, times: nil))
        let first = try await h.call("GET", "/api/v1/agents?from=1&limit=1")
        let second = try await h.call("GET", "/api/v1/agents?from=2&limit=1")
        XCTAssertEqual(ids(first.json), ids(second.json))
        XCTAssertFalse(ids(first.json).isEmpty)
    }

    /// A mass action over records the simulator does not model still fails
    /// per id: ids nothing issued fail in `results`, known ids succeed, 200.
    func testEveryMassActionFailsUnknownIdsOneByOne() async throws {
        let h = SimHarness()
        let modelled = Set(MassActionTargets.tableByOperation.keys)
        let candidates = Catalog.shared.operations.filter {
            $0.envelope == .results && $0.method == "POST" && !$0.path.contains("{") && !modelled.contains($0.id)
                && HandlerRegistry.all[$0.id] == nil
        }
        let op = try XCTUnwrap(candidates.first {
            $0.body?.schema.properties?["ids"] != nil && Set($0.body?.schema.requiredProperties ?? []).isSubset(of: ["ids"])
        }, "an unmodelled mass action that takes only ids")
        let known = demo.id(10, 1)
        let body: JSON = ["ids": [.string(known), "99999999999"]]
        let r = try await h.call("POST", op.path, body: body)
        XCTAssertEqual(r.status, 200, "\(op.id): \(String(describing: r.json))")
        let results = r.json?["results"]?.arrayValue ?? []
        let failed = results.filter { $0["success"] == false || ($0["errors"] != nil && $0["errors"] != .null) }
        XCTAssertEqual(failed.compactMap { $0["id"]?.stringValue }, ["99999999999"], "\(op.id): \(results)")
    }
}
