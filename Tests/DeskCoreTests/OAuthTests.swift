@testable import DeskCore
import Foundation
import JSONValue
import XCTest

final class OAuthTests: XCTestCase {
    private func oauth(_ answer: @escaping @Sendable (WireRequest) -> WireResponse) -> (OAuthClient, FakeTransport) {
        let transport = FakeTransport { answer($0) }
        return (OAuthClient(accountsURL: "https://accounts.zoho.com", transport: transport), transport)
    }

    func testErrorWithHTTP200IsDetected() async throws {
        let (client, _) = oauth { _ in .json(["error": "invalid_client"]) }
        do {
            _ = try await client.refresh(refreshToken: Secret(Fixtures.refreshToken), clientId: "id",
                                         clientSecret: Secret(Fixtures.clientSecret))
            XCTFail("expected an OAuthError")
        } catch let error as OAuthError {
            XCTAssertEqual(error.code, "invalid_client")
            XCTAssertEqual(error.status, 200)
            XCTAssertTrue(error.description.contains("data centre"), error.description)
        }
    }

    /// Zoho's token throttling answers with words, not a code (issue 16).
    func testTokenThrottlingIsRecognised() async throws {
        let (client, _) = oauth { _ in
            .json(["error": "Access Denied", "error_description": "You have made too many requests continuously. Please try again after some time."])
        }
        do {
            _ = try await client.refresh(refreshToken: Secret(Fixtures.refreshToken), clientId: "id",
                                         clientSecret: Secret(Fixtures.clientSecret))
            XCTFail("expected an OAuthError")
        } catch let error as OAuthError {
            XCTAssertEqual(error.code, "access_denied")
            XCTAssertTrue(error.explanation.contains("at most 10 per 10 minutes"), error.explanation)
        }
    }

    func testInvalidCodeExplainsCodeLifetime() async throws {
        let (client, _) = oauth { _ in .json(["error": "invalid_code"]) }
        do {
            _ = try await client.exchangeCode(Secret("1000.code"), clientId: "id", clientSecret: Secret(Fixtures.clientSecret))
            XCTFail("expected an OAuthError")
        } catch let error as OAuthError {
            XCTAssertEqual(error.code, "invalid_code")
            XCTAssertTrue(error.explanation.contains("only once"))
            XCTAssertTrue(error.explanation.contains("zdsh auth login"))
        }
    }

    func testHTMLFromAccountsServerIsRecognised() async throws {
        let (client, _) = oauth { _ in WireResponse(status: 200, body: Array("<!DOCTYPE html><html><title>Error</title></html>".utf8)) }
        do {
            _ = try await client.refresh(refreshToken: "1000.r", clientId: "id", clientSecret: "s3cr3t")
            XCTFail("expected an OAuthError")
        } catch let error as OAuthError {
            XCTAssertEqual(error.code, "html_response")
        }
    }

    func testGrantIsParsedWithScopesAndApiDomain() async throws {
        let (client, transport) = oauth { _ in
            .json(["access_token": "1000.a", "refresh_token": "1000.r", "expires_in": 3600,
                   "api_domain": "https://www.zohoapis.in", "scope": "Desk.tickets.READ Desk.basic.READ"])
        }
        let grant = try await client.exchangeCode("1000.code", clientId: "cid", clientSecret: "csecret")
        XCTAssertEqual(grant.accessToken.reveal, "1000.a")
        XCTAssertEqual(grant.refreshToken?.reveal, "1000.r")
        XCTAssertEqual(grant.scopes, ["Desk.tickets.READ", "Desk.basic.READ"])
        XCTAssertEqual(grant.apiDomain, "https://www.zohoapis.in")
        let request = transport.requests[0]
        XCTAssertEqual(request.url, "https://accounts.zoho.com/oauth/v2/token")
        XCTAssertEqual(request.header("Content-Type"), "application/x-www-form-urlencoded")
        XCTAssertTrue(request.bodyText.contains("grant_type=authorization_code"))
        XCTAssertTrue(request.bodyText.contains("code=1000.code"))
    }

    func testClientCredentialsGrant() async throws {
        let (client, transport) = oauth { _ in .json(["access_token": "1000.cc", "expires_in": 3600]) }
        let grant = try await client.clientCredentials(clientId: "cid", clientSecret: "csecret",
                                                       scopes: ["Desk.tickets.READ", "Desk.basic.READ"], soid: "ZohoDesk.42")
        XCTAssertEqual(grant.accessToken.reveal, "1000.cc")
        XCTAssertNil(grant.refreshToken)
        let form = transport.requests[0].bodyText
        XCTAssertTrue(form.contains("grant_type=client_credentials"))
        XCTAssertTrue(form.contains("soid=ZohoDesk.42"))
        XCTAssertTrue(form.contains("scope=Desk.tickets.READ%2CDesk.basic.READ"))
    }

    func testRefreshFailureSurfacesAsTypedAuthenticationError() async throws {
        let zoho = FakeZoho()
        zoho.tokenAnswer = { _ in .json(["error": "invalid_code"]) }
        let client = Fixtures.client(zoho, connection: Fixtures.connection(accessToken: nil))
        await XCTAssertThrowsDeskError(try await client.call(Fixtures.op())) { error in
            XCTAssertEqual(error.kind, .authentication)
            XCTAssertEqual(error.errorCode, "invalid_code")
        }
        XCTAssertEqual(zoho.transport.deskRequests.count, 0)
    }

    func testLoginStoresProfileAndDiscoversOrg() async throws {
        let zoho = FakeZoho { request in
            XCTAssertNil(request.header("orgId"))
            return .json(["data": [["id": "60001234", "companyName": "Acme", "portalName": "acmehelp", "isDefault": "true"]]])
        }
        zoho.tokenAnswer = { _ in
            .json(["access_token": "1000.a", "refresh_token": "1000.r", "expires_in": 3600,
                   "api_domain": "https://www.zohoapis.eu", "scope": "Desk.basic.READ"])
        }
        let store = InMemoryTokenStore()
        let auth = AuthService(store: store, transport: zoho.transport)
        let status = try await auth.login(.init(profile: "work", dataCenter: .eu, clientId: "1000.CID",
                                                clientSecret: Secret(Fixtures.clientSecret), code: "1000.code"))
        XCTAssertEqual(zoho.transport.tokenRequests[0].url, "https://accounts.zoho.eu/oauth/v2/token")
        XCTAssertEqual(status.orgId, "60001234")
        XCTAssertEqual(status.portal, "acmehelp")
        XCTAssertEqual(status.dataCenter, .eu)
        XCTAssertEqual(status.scopes, ["Desk.basic.READ"])
        XCTAssertTrue(status.hasRefreshToken)
        XCTAssertFalse(status.description.contains(Fixtures.clientSecret))
        XCTAssertFalse(status.description.contains("1000.r"))
        let stored = await store.load(profile: "work")
        XCTAssertEqual(stored?.refreshToken?.reveal, "1000.r")
        XCTAssertEqual(stored?.apiURL, "https://desk.zoho.eu")
    }

    func testLoginWithWrongDataCentreGivesActionableError() async throws {
        let zoho = FakeZoho()
        zoho.tokenAnswer = { _ in .json(["error": "invalid_client"]) }
        let auth = AuthService(store: InMemoryTokenStore(), transport: zoho.transport)
        await XCTAssertThrowsDeskError(try await auth.login(.init(dataCenter: .com, clientId: "1000.CID",
                                                                  clientSecret: "x", code: "1000.code"))) { error in
            XCTAssertEqual(error.kind, .authentication)
            XCTAssertEqual(error.errorCode, "invalid_client")
            XCTAssertTrue(error.description.contains("--dc eu"), error.description)
        }
    }

    func testLogoutRevokesAndForgets() async throws {
        let zoho = FakeZoho()
        let store = InMemoryTokenStore([Fixtures.connection()])
        let warning = try await AuthService(store: store, transport: zoho.transport).logout(profile: "default")
        XCTAssertNil(warning)
        let revoke = zoho.transport.requests.first { $0.url.hasSuffix("/oauth/v2/token/revoke") }
        XCTAssertNotNil(revoke)
        XCTAssertFalse(revoke!.url.contains(Fixtures.refreshToken), "token travels in the body")
        XCTAssertTrue(revoke!.bodyText.contains("token="))
        let left = await store.load(profile: "default")
        XCTAssertNil(left)
    }

    func testLogoutForgetsEvenWhenRevokeFails() async throws {
        let transport = FakeTransport { _ in WireResponse(status: 400, body: Array("bad".utf8)) }
        let store = InMemoryTokenStore([Fixtures.connection()])
        let warning = try await AuthService(store: store, transport: transport).logout(profile: "default")
        XCTAssertNotNil(warning)
        XCTAssertFalse(warning!.contains(Fixtures.refreshToken))
        let left = await store.load(profile: "default")
        XCTAssertNil(left)
    }
}
