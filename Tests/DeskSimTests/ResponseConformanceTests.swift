import DeskCatalog
import DeskCore
import Foundation
import JSONValue
import XCTest
@testable import DeskSim

/// Every operation's answers — success and error — meet the spec's response
/// schemas, in process and over HTTP. The counts go to RELIABILITY.md.
final class ResponseConformanceTests: XCTestCase {
    func testEveryOperationAnswersAsDocumentedInProcess() async throws {
        let report = try await ConformanceWalk().run { sim, req in try await sim.transport.send(req) }
        print("conformance (in-process): \(report.summary)")
        if let out = ProcessInfo.processInfo.environment["ZDSH_CONFORMANCE_DUMP"] {
            let text = (report.violations.map(\.description) + ["--- refused"] + report.refused).joined(separator: "\n")
            try? text.write(toFile: out, atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(report.operations, 706)
        XCTAssertEqual(report.violations.count, 0, report.violations.prefix(60).map(\.description).joined(separator: "\n"))
    }

    func testEveryOperationAnswersAsDocumentedOverHTTP() async throws {
        // One server; each operation's fresh simulator is swapped in by seeding... a
        // server is bound to one simulator, so here the operations share one.
        let sim = Simulator()
        let server = SimServer(simulator: sim, port: 0)
        _ = try await server.start()
        defer { Task { await server.stop() } }
        let token = sim.issueToken()
        let walk = ConformanceWalk()
        var violations: [ResponseViolation] = []
        var count = 0
        for op in Catalog.shared.operations {
            // Reads first would be nicer; deletes on shared state may turn later calls into 404s, which are checked too.
            for t in [token, nil] as [String?] {
                let req = walk.request(op, sim, unknownIds: false, token: t)
                let r = try await HTTPTransport.shared.send(req)
                count += 1
                let routed = sim.requestLog.last?.operationId ?? op.id
                violations += ResponseChecker().check(operationId: routed, status: r.status, body: r.body)
            }
        }
        print("conformance (HTTP): \(count) answers, \(violations.count) violations")
        XCTAssertEqual(violations.count, 0, violations.prefix(60).map(\.description).joined(separator: "\n"))
    }
}
