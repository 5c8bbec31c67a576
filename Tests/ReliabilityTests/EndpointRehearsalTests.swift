import DeskSim
import Foundation
import TestSupport
import XCTest

/// Issue 16, endpoints: `zdsh auth login` against a served simulator stores
/// the endpoints in the profile, and a later `zdsh run --profile P` uses them
/// and the token the login minted.
final class EndpointRehearsalTests: XCTestCase {
    func testLoginThenRunAgainstServedSimulator() async throws {
        let sim = Simulator()
        let server = SimServer(simulator: sim)
        let port = try await server.start()
        let base = "http://127.0.0.1:\(port)"
        let home = Zdsh.tempDir("endpoints")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let env = Zdsh.environment(home: home, extra: ["ZOHO_CLIENT_SECRET": Simulator.defaultClientSecret])
        let code = sim.issueGrantCode(lifetime: 600)

        let login = try Zdsh.run(["auth", "login", "--profile", "rehearsal", "--client-id", Simulator.defaultClientId,
                                  "--code", code, "--accounts-url", base + "/", "--api-url", base], env: env)
        XCTAssertEqual(login.status, 0, login.stderr)
        XCTAssertTrue(login.stdout.contains("accounts:     \(base)"), login.stdout)
        XCTAssertTrue(login.stdout.contains("desk api:     \(base)"), login.stdout)
        XCTAssertTrue(login.stdout.contains("org id:       \(sim.orgId)"), login.stdout)
        XCTAssertFalse(login.stdout.contains(code) || login.stderr.contains(code), "the grant code is never shown")

        sim.clearRequestLog()
        let runbook = home + "/count.lua"
        try "return #desk.tickets.list({limit = 3})".write(toFile: runbook, atomically: true, encoding: .utf8)
        // No ZDSH_*_URL and no flag: the profile alone says where to go.
        let run = try Zdsh.run(["run", runbook, "--profile", "rehearsal"], env: env)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("3"), run.stdout)
        let calls = sim.requestLog
        XCTAssertEqual(calls.map(\.path), ["/api/v1/tickets"], "one call, no token refresh: \(calls)")
        XCTAssertEqual(calls.first?.status, 200, "accepted with the token minted at login")
        XCTAssertEqual(sim.refreshCount, 0)

        // The REPL takes the same flags; a flag naming the same server is accepted.
        sim.clearRequestLog()
        let repl = try ChildProcess.run(Zdsh.binary, ["repl", "--profile", "rehearsal", "--api-url", base],
                                        environment: env, input: .data(Data("return #desk.agents.list()\n".utf8)), timeout: 60)
        XCTAssertEqual(repl.status, 0, repl.err)
        XCTAssertEqual(sim.requestLog.map(\.status), [200], "\(sim.requestLog)")
        await server.stop()
    }

    func testEndpointFlagsRefuseCleartextToOtherHosts() throws {
        let home = Zdsh.tempDir("endpoint-flags")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let env = Zdsh.environment(home: home)
        for args in [["eval", "--api-url", "http://example.com", "return 1"],
                     ["run", "x.lua", "--accounts-url", "http://10.0.0.5:8085"],
                     ["auth", "login", "--api-url", "ftp://localhost", "--code", "x"],
                     ["repl", "--api-url", "https://user:pw@proxy.example"]] {
            let r = try Zdsh.run(args, env: env)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--api-url") || r.stderr.contains("--accounts-url"), r.stderr)
            XCTAssertFalse(r.stderr.contains("pw@"), "a password in a URL is not echoed")
        }
        let env2 = Zdsh.environment(home: home, extra: ["ZDSH_API_URL": "http://example.com", "ZOHO_REFRESH_TOKEN": "r",
                                                        "ZOHO_CLIENT_ID": "c", "ZOHO_CLIENT_SECRET": "s"])
        let r = try Zdsh.run(["eval", "--profile", "x", "return 1"], env: env2)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("ZDSH_API_URL"), r.stderr)
        XCTAssertTrue(r.stderr.contains("https://"), r.stderr)
        let sim = try Zdsh.run(["eval", "--sim", "--api-url", "https://proxy.example", "return 1"], env: env)
        XCTAssertEqual(sim.status, 2, sim.stderr)
    }
}
