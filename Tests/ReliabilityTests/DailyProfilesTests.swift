import DeskSim
import Foundation
import TestSupport
import XCTest

/// Issue 32 §5: profiles like kubectl contexts — `zdsh auth use NAME`, the
/// current one marked, and `auth status` without a `default` profile.
final class DailyProfilesTests: XCTestCase {
    func testAuthUseMakesAProfileCurrentAndStatusReportsEveryProfile() async throws {
        let sim = Simulator()
        let server = SimServer(simulator: sim)
        let port = try await server.start()
        let base = "http://127.0.0.1:\(port)"
        let home = Zdsh.tempDir("profiles")
        defer { try? FileManager.default.removeItem(atPath: home) }
        var env = Zdsh.environment(home: home, extra: ["ZOHO_CLIENT_SECRET": Simulator.defaultClientSecret])
        env["ZDSH_PROFILE"] = nil
        for name in ["rehearsal", "staging"] {
            let login = try Zdsh.run(["auth", "login", "--profile", name, "--client-id", Simulator.defaultClientId,
                                      "--code", sim.issueGrantCode(lifetime: 600), "--accounts-url", base + "/", "--api-url", base], env: env)
            XCTAssertEqual(login.status, 0, login.stderr)
        }
        // No `default` profile: status reports, it does not fail.
        let before = try Zdsh.run(["auth", "status"], env: env)
        XCTAssertEqual(before.status, 0, before.stderr)
        XCTAssertTrue(before.stdout.contains("current profile: default"), before.stdout)
        XCTAssertTrue(before.stdout.contains("not stored"), before.stdout)
        XCTAssertTrue(before.stdout.contains("  rehearsal  ") && before.stdout.contains("  staging  "), before.stdout)

        let use = try Zdsh.run(["auth", "use", "staging"], env: env)
        XCTAssertEqual(use.status, 0, use.stderr)
        let profiles = try Zdsh.run(["auth", "profiles"], env: env)
        XCTAssertEqual(profiles.stdout, "  rehearsal\n* staging\n")
        let status = try Zdsh.run(["auth", "status"], env: env)
        XCTAssertTrue(status.stdout.contains("current profile: staging (set by zdsh auth use)"), status.stdout)
        XCTAssertTrue(status.stdout.contains("* staging  "), status.stdout)
        let json = try Zdsh.run(["auth", "status", "--json"], env: env)
        XCTAssertTrue(json.stdout.contains(#""current":"staging""#) || json.stdout.contains(#""current": "staging""#), json.stdout)

        // The current profile is used with no flag; ZDSH_PROFILE and --profile win over it.
        sim.clearRequestLog()
        let eval = try Zdsh.run(["eval", "return #desk.agents.list()"], env: env)
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertEqual(sim.requestLog.map(\.status), [200])
        var envProfile = env
        envProfile["ZDSH_PROFILE"] = "nosuch"
        let overridden = try Zdsh.run(["eval", "return #desk.agents.list()"], env: envProfile)
        XCTAssertEqual(overridden.status, 5, overridden.stderr)
        XCTAssertTrue(overridden.stderr.contains("no credentials for profile 'nosuch'"), overridden.stderr)
        let flagged = try Zdsh.run(["auth", "status", "--profile", "rehearsal"], env: envProfile)
        XCTAssertTrue(flagged.stdout.contains("profile:      rehearsal"), flagged.stdout)

        // An unknown name is refused, and the current one is kept.
        let unknown = try Zdsh.run(["auth", "use", "nosuch"], env: env)
        XCTAssertEqual(unknown.status, 5, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("\nzdsh: hint: Run `zdsh auth login --profile nosuch` first."), unknown.stderr)
        XCTAssertEqual(try Zdsh.run(["auth", "profiles"], env: env).stdout, "  rehearsal\n* staging\n")
        await server.stop()
    }
}
