import Foundation
import JSONValue
import XCTest
@testable import DeskSim

/// Not tests proper: env-gated helpers for a benchmark run and for refreshing
/// the committed demo fixture. Both skip unless asked for.
final class ToolingTests: XCTestCase {
    /// ZDSH_SIM_SERVE_SECONDS=60 swift test -c release -Xswiftc -enable-testing --filter ToolingTests
    /// serves on 127.0.0.1:8085 and writes TOKEN/ORG to /tmp/zdsh-sim-bench.env for wrk.
    func testServeForBenchmark() async throws {
        guard let seconds = ProcessInfo.processInfo.environment["ZDSH_SIM_SERVE_SECONDS"].flatMap(Double.init) else {
            throw XCTSkip("set ZDSH_SIM_SERVE_SECONDS to serve for a benchmark")
        }
        var config = Simulator.Configuration()
        config.concurrencyLimit = 100_000
        config.dailyCredits = Int.max / 2
        config.requestLogLimit = 1000
        let sim = Simulator(configuration: config)
        let server = SimServer(simulator: sim, port: 8085)
        _ = try await server.start()
        let env = "TOKEN=\(sim.issueToken())\nORG=\(sim.orgId)\nLABEL=\(DemoFixture.id(19, 1))\n"
        try env.write(toFile: "/tmp/zdsh-sim-bench.env", atomically: true, encoding: .utf8)
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
        print("served \(sim.stats.requests) requests")
        await server.stop()
    }

    /// ZDSH_SIM_WRITE_FIXTURE=stdlib/fixtures/demo.json swift test --filter ToolingTests
    func testWriteDemoFixture() throws {
        guard let path = ProcessInfo.processInfo.environment["ZDSH_SIM_WRITE_FIXTURE"] else {
            throw XCTSkip("set ZDSH_SIM_WRITE_FIXTURE to write the demo fixture")
        }
        let sim = Simulator(clock: ManualClock(Date(timeIntervalSince1970: 1_735_689_600)))
        try (sim.state().encoded(.pretty) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}
