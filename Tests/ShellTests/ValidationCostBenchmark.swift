import DeskCatalog
import Foundation
import JSONValue
@testable import Shell
import XCTest

/// What the spec check costs next to the rest of the gate (issue 25: at most
/// 2 % of the bulk benchmark). Not a test: it prints figures and asserts no
/// timing. Run with `ZDSH_BENCH=1 swift test --filter ValidationCostBenchmark`
/// (a release build gives the figures that matter; a debug build overstates
/// Swift code against Lua and the network).
final class ValidationCostBenchmark: XCTestCase {
    static let calls = 2_000

    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let d = try clock.measure(body)
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    func testValidationShareOfTheGate() throws {
        guard ProcessInfo.processInfo.environment["ZDSH_BENCH"] != nil else { throw XCTSkip("set ZDSH_BENCH=1 to measure") }
        let op = try XCTUnwrap(Catalog.shared.operation(id: "removeLabelsFromUsers"))
        let binding = try XCTUnwrap(FriendlyNames.binding(named: "helpcenter.labels.remove_users"))
        let schema = try XCTUnwrap(op.body?.schema)
        let hc = "1892000000150001", label = "1892000000190001"
        let ids = (0..<Self.calls).map { String(1_892_100_000_000_000 + $0) }

        // The body check alone, as the binder runs it for each call of the bulk benchmark.
        let check = try seconds {
            for id in ids { _ = try SchemaValidator.check(["userIds": [.string(id)]], schema, requireTopLevel: false) }
        }
        // The whole binding (positional arguments, path ids, body check, splitting).
        let bind = try seconds {
            for id in ids {
                _ = try ArgumentBinder.bind(binding: binding, operation: op, arguments: [.string(hc), .string(label), [.string(id)]])
            }
        }
        // The whole gate, as the bulk runbook meets it (dry run: nothing sent, so no network in the figure).
        var settings = CallGate.Settings()
        settings.dryRun = true
        settings.maxDestructive = Self.calls
        let s = try SimSession(allow: ["helpcenter.labels.remove_users"], settings: settings, limits: .init(timeout: 600))
        let gate = try seconds {
            _ = s.run("""
                for k = 0, \(Self.calls - 1) do
                  helpcenter.labels.remove_users("\(hc)", "\(label)", { string.format("%d", 1892100000000000 + k) })
                end
                """)
        }
        let n = Double(Self.calls)
        let bulkWall = 4.59  // BENCHMARKS.md: the last bulk run (2,000 calls, 20 ms latency, 10 in flight)
        print(String(format: "validation: body check %.2f µs/call, binding %.2f µs/call, whole gate (dry run) %.2f µs/call",
                     check / n * 1e6, bind / n * 1e6, gate / n * 1e6))
        print(String(format: "validation: %.1f %% of the gate's time; %.3f %% of the bulk benchmark's %.2f s (%.1f ms for 2,000 calls)",
                     check / gate * 100, check / bulkWall * 100, bulkWall, check * 1000))
    }
}
