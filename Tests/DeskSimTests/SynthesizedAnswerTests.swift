import DeskCatalog
import JSONValue
import XCTest
@testable import DeskSim

/// Operations the simulator does not model answer with the documented shape,
/// and never invent data about records the org does not have.
final class SynthesizedAnswerTests: XCTestCase {
    func testAccountStatisticsCarryEveryRequiredField() async throws {
        let h = SimHarness()
        let r = try await h.call("GET", "/api/v1/accounts/\(demo.id(17, 1))/statistics")
        XCTAssertEqual(r.status, 200)
        let required = try XCTUnwrap(ResponseSchemas.shared.schema("getAccountStatistics", status: 200)).requiredProperties
        XCTAssertFalse(required.isEmpty)
        XCTAssertEqual(Set(r.json?.objectValue?.keys.map { $0 } ?? []).intersection(required).count, required.count)
        XCTAssertEqual(ResponseChecker().check(operationId: "getAccountStatistics", status: 200, body: r.raw.body), [])
    }

    func testUnknownAccountIsNotFoundInsteadOfInventedData() async throws {
        let h = SimHarness()
        let r = try await h.call("GET", "/api/v1/accounts/1892999999999999/statistics")
        XCTAssertEqual(r.status, 404)
        XCTAssertEqual(r.errorCode, "URL_NOT_FOUND")
        XCTAssertNotNil(r.json?["message"]?.stringValue)
    }

    func testEmptyListsAnswer204WhereDocumented() async throws {
        let h = SimHarness()
        let webhooks = try await h.call("GET", "/api/v1/webhooks")
        let documented = ResponseSchemas.shared.answers("getAllWebhooks").keys.contains(204)
            || ResponseSchemas.shared.answers("getWebhooks").keys.contains(204)
        if documented { XCTAssertEqual(webhooks.status, 204) }
        XCTAssertEqual(ResponseChecker().check(operationId: h.sim.requestLog.last?.operationId ?? "", status: webhooks.status,
                                               body: webhooks.raw.body), [])
    }

    func testValidationErrorsUseTheDocumentedErrorTypes() async throws {
        let h = SimHarness()
        let r = try await h.call("POST", "/api/v1/webhooks", body: [:])
        XCTAssertEqual(r.status, 422)
        XCTAssertEqual(r.errorCode, "INVALID_DATA")
        for e in r.json?["errors"]?.arrayValue ?? [] {
            XCTAssertTrue(["invalid", "missing", "duplicate"].contains(e["errorType"]?.stringValue ?? ""))
        }
    }

    func testPagingStartsAtOneAndRefusesPagesOverTheMaximum() async throws {
        let h = SimHarness()
        let first = try await h.call("GET", "/api/v1/contacts?from=1&limit=2")
        XCTAssertEqual(ids(first.json).count, 2)
        let second = try await h.call("GET", "/api/v1/contacts?from=3&limit=2")
        XCTAssertEqual(ids(second.json).count, 2)
        XCTAssertTrue(Set(ids(first.json)).isDisjoint(with: ids(second.json)), "from is 1-based: page two starts after page one")
        // Contacts pages hold at most 99 (the spec's limit schema).
        let max = try XCTUnwrap(Catalog.shared.operation(id: "getContacts")?.maxPageSize)
        XCTAssertEqual(max, 99)
        let full = try await h.call("GET", "/api/v1/contacts?limit=\(max)")
        XCTAssertEqual(full.status, 200)
        let tooMany = try await h.call("GET", "/api/v1/contacts?limit=\(max + 1)")
        XCTAssertEqual(tooMany.status, 422)
        XCTAssertEqual(ResponseChecker().check(operationId: "getContacts", status: 422, body: tooMany.raw.body), [])
    }

    func testMassActionFailsUnknownIdsOneByOneWith200() async throws {
        let h = SimHarness()
        let known = demo.id(16, 1)
        let r = try await h.call("POST", "/api/v1/contacts/markSpam", body: ["ids": [.string(known), "1892999999999999"], "isSpam": true])
        XCTAssertEqual(r.status, 200)
        let results = try XCTUnwrap(r.json?["results"]?.arrayValue)
        XCTAssertEqual(results.map { $0["success"] }, [true, false])
        XCTAssertEqual(results[1]["errors"]?["errorCode"], "INVALID_DATA")
        XCTAssertEqual(ResponseChecker().check(operationId: "markContactsAsSpam", status: 200, body: r.raw.body), [])
    }
}
