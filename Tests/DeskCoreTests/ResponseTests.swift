import DeskCatalog
@testable import DeskCore
import Foundation
import JSONValue
import XCTest

final class ResponseTests: XCTestCase {
    private func result(_ response: WireResponse, envelope: Envelope = .object) async throws -> DeskResult {
        let client = Fixtures.client(FakeZoho(desk: { _ in response }))
        return try await client.call(Fixtures.op(envelope: envelope))
    }

    func testNoContentIsEmpty() async throws {
        let r = try await result(.noContent)
        XCTAssertEqual(r, .empty)
        XCTAssertEqual(r.items, [])
    }

    func testListEnvelopes() async throws {
        let item: JSON = ["id": "1892000000056096"]
        for body: JSON in [["data": [item]], ["teams": [item]], ["members": [item]], ["agents": [item]],
                           ["associatedAgents": [item]], [item], ["data": [item], "count": "1"]] {
            let r = try await result(.json(body))
            XCTAssertEqual(r.items, [item], body.description)
        }
        let custom = try await result(.json(["widgets": [item], "x": 1, "y": 2]), envelope: .list(key: "widgets"))
        XCTAssertEqual(custom.items(envelope: .list(key: "widgets")), [item])
        let single = try await result(.json(["id": "5", "name": "x"]))
        XCTAssertNil(single.items)
    }

    func testIdsStayStrings() async throws {
        let r = try await result(.json(["id": "1892000000056096", "count": 3]))
        XCTAssertEqual(r.json?["id"], .string("1892000000056096"))
    }

    func testMassActionResults() async throws {
        let r = try await result(.json(["results": [
            ["success": true, "id": "11", "errors": nil],
            ["success": false, "id": "12", "errors": ["errorCode": "FORBIDDEN", "httpCode": "403", "errorMessage": "no"]],
        ]]))
        let results = try XCTUnwrap(r.results)
        XCTAssertEqual(results.map(\.id), ["11", "12"])
        XCTAssertEqual(results.map(\.success), [true, false])
        XCTAssertEqual(results[1].errorCode, "FORBIDDEN")
        XCTAssertEqual(results[1].httpCode, 403)
    }

    func testErrorCarriesCodeFieldErrorsOperationAndRequestId() async throws {
        let body: JSON = ["errorCode": "INVALID_DATA", "message": "The data does not comply.",
                          "errors": [["fieldName": "/contactId", "errorType": "invalid", "errorMessage": "bad id"]]]
        let client = Fixtures.client(FakeZoho(desk: { _ in .json(body, status: 422, headers: [Header("X-Request-Id", "req-77")]) }))
        await XCTAssertThrowsDeskError(try await client.call(Fixtures.op("createTicket", method: "POST"))) { error in
            XCTAssertEqual(error.kind, .api)
            XCTAssertEqual(error.status, 422)
            XCTAssertEqual(error.errorCode, "INVALID_DATA")
            XCTAssertEqual(error.fieldErrors, [.init(fieldName: "/contactId", errorType: "invalid", errorMessage: "bad id")])
            XCTAssertEqual(error.operationId, "createTicket")
            XCTAssertEqual(error.requestId, "req-77")
            XCTAssertTrue(error.description.contains("/contactId"))
        }
    }

    func testHTMLErrorPageIsExplainedAsWrongDataCentre() async throws {
        let html = "<!DOCTYPE html><html><head><title>Zoho Desk - Error</title></head><body>oops</body></html>"
        let zoho = FakeZoho(desk: { _ in WireResponse(status: 401, headers: [Header("Content-Type", "text/html")], body: Array(html.utf8)) })
        let client = Fixtures.client(zoho)
        await XCTAssertThrowsDeskError(try await client.call(Fixtures.op())) { error in
            XCTAssertEqual(error.kind, .wrongDataCenter)
            XCTAssertEqual(error.status, 401)
            XCTAssertTrue(error.description.contains("Zoho Desk - Error"))
            XCTAssertTrue(error.hint?.contains("--dc") == true)
        }
        XCTAssertEqual(zoho.issued, 0, "an HTML 401 is not a token problem; no refresh")
    }

    func testBinaryDownloads() async throws {
        let r = try await result(WireResponse(status: 200, headers: [Header("Content-Type", "application/octet-stream")], body: [0, 1, 2]))
        XCTAssertEqual(r, .binary(bytes: [0, 1, 2], contentType: "application/octet-stream"))
    }
}
