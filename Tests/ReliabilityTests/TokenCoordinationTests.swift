import DeskSim
import Foundation
import TestSupport
import XCTest

/// Eight `zdsh` processes sharing one token store start at once with no
/// cached access token: the simulator's token endpoint sees one refresh per
/// round, and every process succeeds.
final class TokenCoordinationTests: XCTestCase {
    func testEightProcessesRefreshOnce() async throws {
        let served = try await TokenServer()
        let sim = served.sim, server = served.server
        let home = Zdsh.tempDir("tokens")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let env = served.environment(home: home)
        let rounds = 3
        var perRound: [Int] = []
        for round in 0..<rounds {
            if round > 0 { sim.expireTokens() }
            let before = sim.refreshCount
            let procs = try (0..<8).map { _ in
                try Zdsh.launch(["eval", "--profile", "shared", "return #desk.tickets.list({limit = 3})"], env: env)
            }
            var statuses: [Int32] = [], errors: [String] = []
            for p in procs {
                while p.isRunning { try await Task.sleep(nanoseconds: 10_000_000) }
                let exit = p.wait(timeout: 60)
                statuses.append(exit.status)
                if exit.status != 0 { errors.append(exit.err) }
            }
            XCTAssertEqual(statuses, Array(repeating: 0, count: 8), "round \(round): \(errors)")
            perRound.append(sim.refreshCount - before)
        }
        await server.stop()
        XCTAssertEqual(perRound, Array(repeating: 1, count: rounds), "one refresh per round across 8 processes")
        print("TOKENS: processes=8 rounds=\(rounds) refreshes_per_round=\(perRound)")
    }
}
