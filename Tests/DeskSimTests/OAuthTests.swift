import DeskCore
import JSONValue
import XCTest
@testable import DeskSim

final class OAuthTests: XCTestCase {
    let client = ["client_id": Simulator.defaultClientId, "client_secret": Simulator.defaultClientSecret]

    func testCodeExchangeRefreshAndRevoke() async throws {
        let h = SimHarness()
        let code = h.sim.issueGrantCode(scopes: ["Desk.tickets.ALL", "Desk.basic.READ"])
        let tokens = try await h.oauth("/oauth/v2/token", client.merging(["grant_type": "authorization_code", "code": code]) { a, _ in a })
        XCTAssertEqual(tokens.status, 200)
        let access = try XCTUnwrap(tokens.json?["access_token"]?.stringValue)
        let refresh = try XCTUnwrap(tokens.json?["refresh_token"]?.stringValue)
        XCTAssertEqual(tokens.json?["expires_in"], 3600)
        XCTAssertEqual(tokens.json?["token_type"], "Bearer")
        XCTAssertEqual(tokens.json?["api_domain"]?.stringValue, h.sim.apiURL)
        XCTAssertEqual(tokens.json?["scope"], "Desk.tickets.ALL Desk.basic.READ")

        // The code is single use.
        let again = try await h.oauth("/oauth/v2/token", client.merging(["grant_type": "authorization_code", "code": code]) { a, _ in a })
        XCTAssertEqual(again.status, 200)
        XCTAssertEqual(again.json, ["error": "invalid_code"])

        let ok = try await h.call("GET", "/api/v1/tickets", token: access)
        XCTAssertEqual(ok.status, 200)

        // Refresh: new access token, no refresh token, counted.
        let refreshed = try await h.oauth("/oauth/v2/token", client.merging(["grant_type": "refresh_token", "refresh_token": refresh]) { a, _ in a })
        XCTAssertNotNil(refreshed.json?["access_token"]?.stringValue)
        XCTAssertNil(refreshed.json?["refresh_token"])
        XCTAssertEqual(h.sim.refreshCount, 1)
        XCTAssertEqual(h.sim.stats.refreshes, 1)

        // Revoking the refresh token kills it and the access tokens minted from it.
        let revoked = try await h.oauth("/oauth/v2/token/revoke", ["token": refresh])
        XCTAssertEqual(revoked.json, ["status": "success"])
        let after = try await h.call("GET", "/api/v1/tickets", token: access)
        XCTAssertEqual(after.status, 401)
        let refreshAfter = try await h.oauth("/oauth/v2/token", client.merging(["grant_type": "refresh_token", "refresh_token": refresh]) { a, _ in a })
        XCTAssertEqual(refreshAfter.json, ["error": "invalid_code"])
        let revokeUnknown = try await h.oauth("/oauth/v2/token/revoke", ["token": "nope"])
        XCTAssertEqual(revokeUnknown.status, 400)
    }

    func testErrorsAreHTTP200WithErrorField() async throws {
        let h = SimHarness()
        let badClient = try await h.oauth("/oauth/v2/token", ["client_id": "x", "client_secret": "y", "grant_type": "refresh_token", "refresh_token": "r"])
        XCTAssertEqual(badClient.status, 200)
        XCTAssertEqual(badClient.json, ["error": "invalid_client"])
        let badSecret = try await h.oauth("/oauth/v2/token", ["client_id": Simulator.defaultClientId, "client_secret": "wrong", "grant_type": "client_credentials"])
        XCTAssertEqual(badSecret.json, ["error": "invalid_client"])
        let badGrant = try await h.oauth("/oauth/v2/token", client.merging(["grant_type": "password"]) { a, _ in a })
        XCTAssertEqual(badGrant.json?["error"], "unsupported_grant_type")
    }

    func testClientCredentialsHasNoRefreshToken() async throws {
        let h = SimHarness()
        let r = try await h.oauth("/oauth/v2/token", client.merging(["grant_type": "client_credentials", "scope": "Desk.tickets.READ"]) { a, _ in a })
        XCTAssertNotNil(r.json?["access_token"])
        XCTAssertNil(r.json?["refresh_token"])
        XCTAssertEqual(r.json?["scope"], "Desk.tickets.READ")
    }

    func testTokensExpireByTheClock() async throws {
        let h = SimHarness()
        let first = try await h.call("GET", "/api/v1/agents")
        XCTAssertEqual(first.status, 200)
        h.clock.advance(seconds: 3599)
        let stillValid = try await h.call("GET", "/api/v1/agents")
        XCTAssertEqual(stillValid.status, 200)
        h.clock.advance(seconds: 2)
        let expired = try await h.call("GET", "/api/v1/agents")
        XCTAssertEqual(expired.status, 401)
        XCTAssertEqual(expired.errorCode, "INVALID_OAUTH")
    }

    func testExpireTokensNow() async throws {
        let h = SimHarness()
        h.sim.expireTokens()
        let r = try await h.call("GET", "/api/v1/agents")
        XCTAssertEqual(r.status, 401)
        XCTAssertEqual(r.errorCode, "INVALID_OAUTH")
    }

    /// Zoho: a refresh token mints at most 10 access tokens in 10 minutes,
    /// then answers HTTP 400 "Access Denied" until the oldest mint ages out.
    func testRefreshTokenIsThrottledAfterTenMintsInTenMinutes() async throws {
        let h = SimHarness()
        let refresh = h.sim.issueRefreshToken()
        let form = client.merging(["grant_type": "refresh_token", "refresh_token": refresh]) { a, _ in a }
        for i in 0..<10 {
            let r = try await h.oauth("/oauth/v2/token", form)
            XCTAssertNotNil(r.json?["access_token"]?.stringValue, "mint \(i + 1)")
            h.clock.advance(seconds: 30)
        }
        let refused = try await h.oauth("/oauth/v2/token", form)
        XCTAssertEqual(refused.status, 400)
        XCTAssertEqual(refused.json, [
            "error": "Access Denied",
            "error_description": "You have made too many requests continuously. Please try again after some time.",
        ])
        XCTAssertEqual(h.sim.throttledRefreshCount, 1)
        XCTAssertEqual(h.sim.refreshCount, 10)
        // Another refresh token is not affected.
        let other = try await h.oauth("/oauth/v2/token", client.merging(["grant_type": "refresh_token",
                                                                        "refresh_token": h.sim.issueRefreshToken()]) { a, _ in a })
        XCTAssertNotNil(other.json?["access_token"])
        // The first mint was 300 s ago: 300 more and it leaves the window.
        h.clock.advance(seconds: 299)
        let stillRefused = try await h.oauth("/oauth/v2/token", form)
        XCTAssertEqual(stillRefused.status, 400)
        h.clock.advance(seconds: 1)
        let again = try await h.oauth("/oauth/v2/token", form)
        XCTAssertEqual(again.status, 200)
        XCTAssertNotNil(again.json?["access_token"])
        XCTAssertEqual(h.sim.requestLog.filter { $0.path == "/oauth/v2/token" && $0.status == 400 }.count, 2)
    }

    func testThrottleCanBeLiftedForSoakRuns() async throws {
        let h = SimHarness { $0.tokensPerWindow = nil }
        let form = client.merging(["grant_type": "refresh_token", "refresh_token": h.sim.issueRefreshToken()]) { a, _ in a }
        for _ in 0..<15 {
            let r = try await h.oauth("/oauth/v2/token", form)
            XCTAssertEqual(r.status, 200)
        }
    }

    func testThrottleOverHTTP() async throws {
        let sim = Simulator()
        let server = SimServer(simulator: sim)
        let port = try await server.start()
        let base = "http://127.0.0.1:\(port)"
        let form = "grant_type=refresh_token&client_id=\(Simulator.defaultClientId)&client_secret=\(Simulator.defaultClientSecret)"
            + "&refresh_token=\(sim.issueRefreshToken())"
        var statuses: [Int] = []
        for _ in 0..<11 {
            let r = try await HTTPTransport.shared.send(WireRequest(
                method: "POST", url: base + "/oauth/v2/token",
                headers: [Header("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8)))
            statuses.append(r.status)
            if r.status == 400 {
                XCTAssertEqual(try JSON.parse(r.body)["error"], "Access Denied")
            }
        }
        await server.stop()
        XCTAssertEqual(statuses, Array(repeating: 200, count: 10) + [400])
    }

    /// `zdsh sim serve` prints a grant code that lasts long enough to type it in.
    func testGrantCodeLifetimeCanBeChosen() async throws {
        let h = SimHarness()
        let code = h.sim.issueGrantCode(lifetime: 600)
        h.clock.advance(seconds: 590)
        let r = try await h.oauth("/oauth/v2/token", client.merging(["grant_type": "authorization_code", "code": code]) { a, _ in a })
        XCTAssertNotNil(r.json?["refresh_token"]?.stringValue)
    }
}
