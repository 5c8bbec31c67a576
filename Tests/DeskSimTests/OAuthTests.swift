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
}
