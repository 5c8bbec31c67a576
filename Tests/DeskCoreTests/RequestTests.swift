import DeskCatalog
@testable import DeskCore
import Foundation
import JSONValue
import XCTest

final class RequestTests: XCTestCase {
    let getTicket = Fixtures.op("getTicket", path: "/api/v1/tickets/{ticketId}", parameters: [
        Parameter(name: "ticketId", location: .path, required: true, schema: Schema(types: ["string"]))])
    let getTranslation = Fixtures.op("getTranslation", path: "/api/v1/articles/{articleId}/translations/{locale}",
                                     scopes: ["Desk.articles.READ"])

    func testHeadersQueryAndBody() async throws {
        let zoho = FakeZoho()
        let client = Fixtures.client(zoho)
        _ = try await client.call(Fixtures.op("updateTicket", method: "PATCH", path: "/api/v1/tickets/{ticketId}"),
                                  path: ["ticketId": "1892000000056096"],
                                  query: ["include": "contacts,assignee", "q": "a&b=c #x+y"],
                                  body: ["subject": "Hello", "cf": ["cf_x": "1"]])
        let r = zoho.transport.deskRequests[0]
        XCTAssertEqual(r.method, "PATCH")
        XCTAssertEqual(r.url, "https://desk.zoho.com/api/v1/tickets/1892000000056096?include=contacts%2Cassignee&q=a%26b%3Dc%20%23x%2By")
        XCTAssertEqual(r.header("Authorization"), "Zoho-oauthtoken \(Fixtures.accessToken)")
        XCTAssertEqual(r.header("orgId"), "60001234")
        XCTAssertEqual(r.header("Content-Type"), "application/json")
        XCTAssertEqual(try JSON.parse(r.body!), ["subject": "Hello", "cf": ["cf_x": "1"]])
        XCTAssertEqual(r.queryItems["q"], "a&b=c #x+y")
    }

    func testOrganizationsIsCalledWithoutOrgIdHeader() async throws {
        let zoho = FakeZoho(desk: { _ in .json(["data": []]) })
        let client = Fixtures.client(zoho)
        _ = try await client.raw(method: "GET", path: "/api/v1/organizations")
        XCTAssertNil(zoho.transport.deskRequests[0].header("orgId"))
    }

    func testInjectionInIdsIsRefusedBeforeSending() async throws {
        let zoho = FakeZoho()
        let client = Fixtures.client(zoho)
        for bad in ["../../organizations", "123/../456", "123?orgId=1", "123#frag", "123\r\nX-Evil: 1", "12 3", "", "%2e%2e", "-1", "١٢٣"] {
            await XCTAssertThrowsDeskError(try await client.call(self.getTicket, path: ["ticketId": bad])) { error in
                XCTAssertEqual(error.kind, .invalidArgument, bad)
                XCTAssertFalse(error.description.contains("\r\n"), "control characters are shown escaped")
            }
        }
        XCTAssertEqual(zoho.transport.requests.count, 0)
    }

    func testNonIdPathParametersMustBeOnePlainSegment() async throws {
        let zoho = FakeZoho()
        let client = Fixtures.client(zoho)
        _ = try await client.call(getTranslation, path: ["articleId": "42", "locale": "en-us"])
        XCTAssertEqual(zoho.transport.deskRequests[0].path, "/api/v1/articles/42/translations/en-us")
        for bad in ["..", ".", "en/../../x", "en?x=1", "en#", "en\nus", "en%2F"] {
            await XCTAssertThrowsDeskError(try await client.call(self.getTranslation, path: ["articleId": "42", "locale": bad])) {
                XCTAssertEqual($0.kind, .invalidArgument, bad)
            }
        }
        _ = try await client.call(getTranslation, path: ["articleId": "42", "locale": "fr ca"])
        XCTAssertEqual(zoho.transport.deskRequests[1].path, "/api/v1/articles/42/translations/fr%20ca")
    }

    func testMissingPathParameterIsReported() async throws {
        let client = Fixtures.client(FakeZoho())
        await XCTAssertThrowsDeskError(try await client.call(getTicket)) { error in
            XCTAssertEqual(error.kind, .invalidArgument)
            XCTAssertTrue(error.message.contains("ticketId"))
        }
    }

    func testHeaderInjectionThroughOrgIdOrTokenIsRefused() async throws {
        let zoho = FakeZoho()
        let badOrg = Fixtures.client(zoho, connection: Fixtures.connection(orgId: "1\r\nX-Evil: yes"))
        await XCTAssertThrowsDeskError(try await badOrg.call(Fixtures.op())) { XCTAssertEqual($0.kind, .invalidArgument) }
        let badToken = Fixtures.client(zoho, connection: Fixtures.connection(accessToken: "abc\r\nX-Evil: yes"))
        await XCTAssertThrowsDeskError(try await badToken.call(Fixtures.op())) { XCTAssertEqual($0.kind, .invalidArgument) }
        let client = Fixtures.client(zoho)
        await XCTAssertThrowsDeskError(try await client.call(Fixtures.op(), query: ["x": "a\r\nb"])) {
            XCTAssertEqual($0.kind, .invalidArgument)
        }
        XCTAssertEqual(zoho.transport.requests.count, 0)
    }

    func testRawPathsAreCheckedToo() async throws {
        let zoho = FakeZoho()
        let client = Fixtures.client(zoho)
        for bad in ["/api/v1/../admin", "/api/v1/tickets?x=1", "/api/v1/tickets#x", "api/v1/tickets",
                    "https://evil.example/api/v1", "/api/v1//tickets", "/api/v1/tickets/%2e%2e", "/api/v1/t\r\nX: y"] {
            await XCTAssertThrowsDeskError(try await client.raw(method: "GET", path: bad)) {
                XCTAssertEqual($0.kind, .invalidArgument, bad)
            }
        }
        await XCTAssertThrowsDeskError(try await client.raw(method: "GET\r\nX", path: "/api/v1/tickets")) {
            XCTAssertEqual($0.kind, .invalidArgument)
        }
        XCTAssertEqual(zoho.transport.requests.count, 0)
        _ = try await client.raw(method: "get", path: "/api/v1/tickets", query: ["limit": "5"])
        XCTAssertEqual(zoho.transport.deskRequests[0].url, "https://desk.zoho.com/api/v1/tickets?limit=5")
    }

    func testRawUsesOperationResolverForScopes() async throws {
        let zoho = FakeZoho()
        let op = Fixtures.op(scopes: ["Desk.settings.READ"])
        let client = Fixtures.client(zoho, connection: Fixtures.connection(scopes: ["Desk.tickets.READ"])) {
            $0.operationResolver = { _, _ in op }
        }
        await XCTAssertThrowsDeskError(try await client.raw(method: "GET", path: "/api/v1/things")) {
            XCTAssertEqual($0.kind, .missingScope)
        }
    }

    func testCallCountCountsEveryRequestSent() async throws {
        let zoho = FakeZoho(desk: { _ in .json([:]) })
        let client = Fixtures.client(zoho)
        for _ in 0..<3 { _ = try await client.call(Fixtures.op()) }
        XCTAssertEqual(client.callCount, 3)
    }
}
