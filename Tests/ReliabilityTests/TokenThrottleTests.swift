import DeskCore
import DeskSim
import Foundation
import TestSupport
import XCTest

/// Issue 16, token throttling: the refresh token has used up its 10 mints,
/// and 8 `zdsh` processes sharing one store need a token at once. Zoho (the
/// served simulator) must see one refresh attempt per back-off window, and
/// every process must fail fast, naming when to retry.
final class TokenThrottleTests: XCTestCase {
    func testEightProcessesMeetTheThrottleWithOneAttempt() async throws {
        let served = try await TokenServer()
        let sim = served.sim, server = served.server, refreshToken = served.refreshToken
        try await exhaust(refreshToken, sim: sim)
        sim.clearRequestLog()
        let home = Zdsh.tempDir("throttle")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let env = served.environment(home: home)

        var retryTimes: Set<String> = []
        for wave in 0..<2 {
            let outputs = try await runTogether(8, env: env)
            for (status, err) in outputs {
                XCTAssertEqual(status, 5, "wave \(wave): exit 5 (Zoho API error): \(err)")
                XCTAssertTrue(err.contains("too many access tokens"), err)
                XCTAssertNotNil(err.range(of: #"\(in \d+ s\)"#, options: .regularExpression), err)
                if let r = err.range(of: #"Retry after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, options: .regularExpression) {
                    retryTimes.insert(String(err[r]))
                } else {
                    XCTFail("no absolute retry time in: \(err)")
                }
                XCTAssertFalse(err.contains(refreshToken), "no secret in the message")
            }
        }
        let tokenCalls = sim.requestLog.filter { $0.path == "/oauth/v2/token" }
        await server.stop()
        XCTAssertEqual(tokenCalls.count, 1, "one refresh attempt in the window across 16 processes")
        XCTAssertEqual(tokenCalls.first?.status, 400)
        XCTAssertEqual(sim.requestLog.filter { $0.path.hasPrefix("/api/") }.count, 0, "no API call without a token")
        XCTAssertEqual(retryTimes.count, 1, "every process names the same retry time: \(retryTimes)")
        print("THROTTLE: processes=16 token_requests=\(tokenCalls.count) retry=\(retryTimes.first ?? "-")")
    }

    /// Ten refreshes: the refresh token's allowance for the next 10 minutes.
    private func exhaust(_ refreshToken: String, sim: Simulator) async throws {
        let form = "grant_type=refresh_token&client_id=\(Simulator.defaultClientId)"
            + "&client_secret=\(Simulator.defaultClientSecret)&refresh_token=\(refreshToken)"
        for _ in 0..<10 {
            let r = try await sim.transport.send(WireRequest(
                method: "POST", url: sim.accountsURL + "/oauth/v2/token",
                headers: [Header("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8)))
            XCTAssertEqual(r.status, 200)
        }
    }

    private func runTogether(_ count: Int, env: [String: String]) async throws -> [(Int32, String)] {
        let procs = try (0..<count).map { _ in
            try Zdsh.launch(["eval", "--profile", "shared", "return #desk.tickets.list({limit = 3})"], env: env)
        }
        var outputs: [(Int32, String)] = []
        for p in procs {
            while p.isRunning { try await Task.sleep(nanoseconds: 10_000_000) }
            let exit = p.wait(timeout: 60)
            outputs.append((exit.status, exit.err))
        }
        return outputs
    }
}
