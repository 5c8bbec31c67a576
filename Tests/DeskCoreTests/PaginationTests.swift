import DeskCatalog
@testable import DeskCore
import Foundation
import JSONValue
import XCTest

final class PaginationTests: XCTestCase {
    /// A list of `total` records served in pages; past the end → 204.
    private func server(total: Int) -> FakeZoho {
        FakeZoho(desk: { request in
            let from = Int(request.queryItems["from"] ?? "1")!, limit = Int(request.queryItems["limit"] ?? "10")!
            let first = from - 1
            guard first < total else { return .noContent }
            let ids = (first..<min(total, first + limit)).map { JSON.string(String(1_000_000 + $0)) }
            return .json(["data": .array(ids.map { ["id": $0] })])
        })
    }

    func testPagesToTheEndOnShortPage() async throws {
        let zoho = server(total: 120)
        let client = Fixtures.client(zoho)
        var sizes: [Int] = []
        var ids = Set<String>()
        for try await page in client.pages(Fixtures.op(envelope: .list(key: "data"), maxPageSize: 50)) {
            sizes.append(page.count)
            for item in page { ids.insert(item["id"]!.stringValue!) }
        }
        XCTAssertEqual(sizes, [50, 50, 20])
        XCTAssertEqual(ids.count, 120)
        XCTAssertEqual(zoho.transport.deskRequests.map { $0.queryItems["from"]! }, ["1", "51", "101"])
        XCTAssertEqual(Set(zoho.transport.deskRequests.map { $0.queryItems["limit"]! }), ["50"])
    }

    func testPagesToTheEndOn204() async throws {
        let zoho = server(total: 100)
        let client = Fixtures.client(zoho)
        var count = 0
        for try await page in client.pages(Fixtures.op(envelope: .list(key: "data"), maxPageSize: 50)) { count += page.count }
        XCTAssertEqual(count, 100)
        XCTAssertEqual(zoho.transport.deskRequests.count, 3, "two full pages, then 204")
    }

    func testPageSizeIsCappedAtTheOperationMaximum() async throws {
        let zoho = server(total: 10)
        let client = Fixtures.client(zoho)
        for try await _ in client.pages(Fixtures.op(maxPageSize: 99), query: ["status": "Open"], pageSize: 500) {}
        XCTAssertEqual(zoho.transport.deskRequests[0].queryItems["limit"], "99")
        XCTAssertEqual(zoho.transport.deskRequests[0].queryItems["status"], "Open")
    }

    func testPagesAreFetchedOnlyWhenAskedFor() async throws {
        let zoho = server(total: 1000)
        let client = Fixtures.client(zoho)
        var iterator = client.pages(Fixtures.op(maxPageSize: 10)).makeAsyncIterator()
        _ = try await iterator.next()
        XCTAssertEqual(zoho.transport.deskRequests.count, 1)
        _ = try await iterator.next()
        XCTAssertEqual(zoho.transport.deskRequests.count, 2)
    }

    /// One rule for every list (issue 16): `from` starts at 1, search
    /// endpoints included (the simulator enforces each operation's minimum).
    func testSearchStartsFromOneAndEmptyListEnds() async throws {
        let zoho = FakeZoho(desk: { _ in .noContent })
        let client = Fixtures.client(zoho)
        var pages = 0
        for try await _ in client.pages(Fixtures.op(path: "/api/v1/tickets/search")) { pages += 1 }
        XCTAssertEqual(pages, 0)
        XCTAssertEqual(zoho.transport.deskRequests[0].queryItems["from"], "1")
    }

    func testBareArrayPages() async throws {
        let zoho = FakeZoho(desk: { _ in .json([["id": "1"], ["id": "2"]]) })
        let client = Fixtures.client(zoho)
        var all: [JSON] = []
        try await client.pages(Fixtures.op(envelope: .bareArray, maxPageSize: 100)).forEach { all += $0; return true }
        XCTAssertEqual(all.count, 2)
    }
}

final class PaginationGuardTests: XCTestCase {
    func testServerIgnoringFromDoesNotLoopForever() async throws {
        let zoho = FakeZoho(desk: { _ in .json(["data": [["id": "1"], ["id": "2"]]]) })
        let client = Fixtures.client(zoho)
        var pages = 0
        do {
            for try await _ in client.pages(Fixtures.op(maxPageSize: 2)) { pages += 1 }
            XCTFail("expected an error")
        } catch let error as DeskError {
            XCTAssertEqual(error.kind, .malformedResponse)
            XCTAssertEqual(error.operationId, "getThing", "the error names the operation")
            XCTAssertTrue(error.message.contains("same page twice"), error.message)
        }
        XCTAssertEqual(pages, 1)
    }
}
