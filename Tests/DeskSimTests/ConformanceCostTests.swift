@testable import DeskCatalog
import Foundation
import JSONValue
import TestSupport
import XCTest
@testable import DeskSim

/// What conformance costs a request: the one-off decode of the response
/// schemas, and fitting a full page of tickets to the list view.
final class ConformanceCostTests: XCTestCase {
    func testSchemaDecodeAndShapingStayCheap() async throws {
        // The bound is in CPU seconds: a loaded machine cannot inflate them.
        let (table, decode) = CPUTime.ofProcess { ResponseSchemas.decode(responseSchemasJSON) }
        XCTAssertEqual(table.count, 706)
        let h = SimHarness(fixture: .bulk(tickets: 1_000))
        _ = try await h.call("GET", "/api/v1/tickets?limit=1")  // loads the shared schemas
        let t0 = Date()
        for _ in 0..<20 { _ = try await h.call("GET", "/api/v1/tickets?limit=100") }
        let perPage = Date().timeIntervalSince(t0) / 20
        print("conformance cost: decode \(Int(decode * 1000)) ms once, \(String(format: "%.1f", perPage * 1000)) ms per 100-ticket page")
        XCTAssertLessThan(decode, 10, "decoding the response schemas is a one-off cost")
    }
}
