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
        // A server is bound to one simulator, so over HTTP the operations share one org:
        // a delete early on may turn a later call into a 404, which is checked like any answer.
        let sim = Simulator()
        let server = SimServer(simulator: sim, port: 0)
        _ = try await server.start()
        let token = sim.issueToken()
        let walk = ConformanceWalk()
        var violations: [ResponseViolation] = []
        var count = 0
        do {
            for op in Catalog.shared.operations {
                for t in [token, nil] as [String?] {
                    let r = try await HTTPTransport.shared.send(walk.request(op, sim, unknownIds: false, token: t))
                    count += 1
                    let routed = sim.requestLog.last?.operationId ?? op.id
                    violations += ResponseChecker().check(operationId: routed, status: r.status, body: r.body)
                }
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        print("conformance (HTTP): \(count) answers, \(violations.count) violations")
        XCTAssertEqual(count, 1412)
        XCTAssertEqual(violations.count, 0, violations.prefix(60).map(\.description).joined(separator: "\n"))
    }
}
