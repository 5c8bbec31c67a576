import DeskSim
import Foundation
import TestSupport
import XCTest

/// Eight `zdsh` processes sharing one token store start at once with no
/// cached access token: the simulator's token endpoint sees one refresh per
/// round, and every process succeeds.
final class TokenCoordinationTests: XCTestCase {
    func testEightProcessesRefreshOnce() async throws {
        let sim = Simulator()
        let server = SimServer(simulator: sim)
        let port = try await server.start()
        let base = "http://127.0.0.1:\(port)"
        sim.setBaseURL(api: base, accounts: base)
        let refreshToken = sim.issueRefreshToken()
        let home = Zdsh.tempDir("tokens")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let env = Zdsh.environment(home: home, extra: [
            "ZOHO_CLIENT_ID": Simulator.defaultClientId, "ZOHO_CLIENT_SECRET": Simulator.defaultClientSecret,
            "ZOHO_REFRESH_TOKEN": refreshToken, "ZOHO_DESK_ORG_ID": sim.orgId,
            "ZDSH_API_URL": base, "ZDSH_ACCOUNTS_URL": base,
        ])
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
