@testable import DeskCore
import Foundation
import XCTest

final class ScopeTests: XCTestCase {
    func testMissingScopeFailsFastNamingTheScope() async throws {
        let zoho = FakeZoho()
        let client = Fixtures.client(zoho, connection: Fixtures.connection(scopes: ["Desk.basic.READ"]))
        await XCTAssertThrowsDeskError(try await client.call(Fixtures.op("getTickets", scopes: ["Desk.tickets.READ", "Desk.search.READ"]))) { error in
            XCTAssertEqual(error.kind, .missingScope)
            XCTAssertEqual(error.operationId, "getTickets")
            XCTAssertTrue(error.hint?.contains("Desk.tickets.READ") == true)
        }
        XCTAssertEqual(zoho.transport.requests.count, 0)
    }

    func testAnyAlternativeOrAllGrants() {
        XCTAssertNil(ScopeCheck.missingScope(required: ["Desk.basic.READ", "Desk.settings.READ"], granted: ["Desk.settings.READ"]))
        XCTAssertNil(ScopeCheck.missingScope(required: ["Desk.tickets.UPDATE"], granted: ["Desk.tickets.ALL"]))
        XCTAssertNil(ScopeCheck.missingScope(required: ["Desk.activities.tasks.READ"], granted: ["desk.activities.all"]))
        XCTAssertNil(ScopeCheck.missingScope(required: ["Desk.imports"], granted: ["Desk.imports.ALL"]))
        XCTAssertEqual(ScopeCheck.missingScope(required: ["Desk.tickets.READ"], granted: ["Desk.ticketsX.ALL"]), "Desk.tickets.READ")
    }

    func testUnknownGrantedScopesSkipTheCheck() async throws {
        let zoho = FakeZoho()
        let client = Fixtures.client(zoho, connection: Fixtures.connection(scopes: nil))
        _ = try await client.call(Fixtures.op(scopes: ["Desk.anything.READ"]))
        XCTAssertEqual(zoho.transport.deskRequests.count, 1)
    }
}

final class LimiterTests: XCTestCase {
    final class Gauge: @unchecked Sendable {
        let lock = NSLock(); var now = 0; var peak = 0
        func enter() { lock.withLock { now += 1; peak = max(peak, now) } }
        func leave() { lock.withLock { now -= 1 } }
    }

    func testAtMostLimitInFlight() async throws {
        let limiter = ConcurrencyLimiter(limit: 3)
        let gauge = Gauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<30 {
                group.addTask {
                    try await limiter.withSlot {
                        gauge.enter()
                        try await Task.sleep(for: .milliseconds(2))
                        gauge.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        XCTAssertEqual(gauge.peak, 3)
        let active = await limiter.active
        XCTAssertEqual(active, 0)
    }

    func testClientUsesTheSharedLimiter() async throws {
        let gauge = Gauge()
        let zoho = FakeZoho(desk: { _ in
            gauge.enter(); try await Task.sleep(for: .milliseconds(3)); gauge.leave()
            return .json([:])
        })
        let client = Fixtures.client(zoho) { $0.limiter = ConcurrencyLimiter(limit: 2) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 { group.addTask { _ = try await client.call(Fixtures.op()) } }
            try await group.waitForAll()
        }
        XCTAssertEqual(gauge.peak, 2)
        XCTAssertEqual(client.callCount, 12)
    }

    func testWaitersAreServedInOrder() async throws {
        let limiter = ConcurrencyLimiter(limit: 1)
        try await limiter.acquire()
        let order = LockedBox<[Int]>([])
        var tasks: [Task<Void, Error>] = []
        for i in 0..<5 {
            tasks.append(Task {
                try await limiter.acquire()
                order.mutate { $0.append(i) }
                await limiter.release()
            })
            // Let each waiter enqueue before the next.
            while await limiter.waiting < i + 1 { await Task.yield() }
        }
        await limiter.release()
        for t in tasks { try await t.value }
        XCTAssertEqual(order.get(), [0, 1, 2, 3, 4])
    }

    func testCancelledWaiterLeavesWithoutTakingASlot() async throws {
        let limiter = ConcurrencyLimiter(limit: 1)
        try await limiter.acquire()
        let waiter = Task { try await limiter.acquire() }
        while await limiter.waiting < 1 { await Task.yield() }
        waiter.cancel()
        do {
            try await waiter.value
            XCTFail("expected cancellation")
        } catch is CancellationError {}
        while await limiter.waiting > 0 { await Task.yield() }
        await limiter.release()
        let active = await limiter.active
        XCTAssertEqual(active, 0)
        try await limiter.acquire()  // the slot is free again
    }

    func testSharedLimiterIsPerOrg() async {
        let a = await ConcurrencyLimiter.shared(forOrg: "org-a-test")
        let b = await ConcurrencyLimiter.shared(forOrg: "org-a-test")
        let c = await ConcurrencyLimiter.shared(forOrg: "org-c-test")
        XCTAssertTrue(a === b)
        XCTAssertFalse(a === c)
        XCTAssertEqual(a.initialLimit, 5, "the lowest edition's limit unless told otherwise")
    }
}

final class DataCenterTests: XCTestCase {
    func testHosts() {
        XCTAssertEqual(DataCenter.allCases.count, 9)
        XCTAssertEqual(DataCenter.ca.deskURL, "https://desk.zohocloud.ca")
        XCTAssertEqual(DataCenter.ca.accountsURL, "https://accounts.zohocloud.ca")
        XCTAssertEqual(DataCenter.comAU.deskURL, "https://desk.zoho.com.au")
        XCTAssertEqual(DataCenter.comCN.accountsURL, "https://accounts.zoho.com.cn")
        XCTAssertEqual(DataCenter.uk.deskURL, "https://desk.zoho.uk")
    }

    func testRecognition() {
        XCTAssertEqual(DataCenter(name: "US"), .com)
        XCTAssertEqual(DataCenter(name: ".eu"), .eu)
        XCTAssertEqual(DataCenter(name: "au"), .comAU)
        XCTAssertEqual(DataCenter(url: "https://www.zohoapis.com.au"), .comAU)
        XCTAssertEqual(DataCenter(url: "https://www.zohoapis.com"), .com)
        XCTAssertEqual(DataCenter(url: "https://accounts.zoho.com.cn"), .comCN)
        XCTAssertEqual(DataCenter(url: "https://www.zohoapis.ca"), .ca)
        XCTAssertEqual(DataCenter(url: "https://desk.zohocloud.ca"), .ca)
        XCTAssertNil(DataCenter(url: "https://evil.example"))
    }

    func testAccountsServerFromRedirectIsAdopted() {
        var c = Connection(dc: .com)
        c.adopt(apiDomain: "https://www.zohoapis.in", accountsServer: "https://accounts.zoho.in")
        XCTAssertEqual(c.dataCenter, .in)
        XCTAssertEqual(c.apiURL, "https://desk.zoho.in")
        XCTAssertEqual(c.accountsURL, "https://accounts.zoho.in")
    }
}
