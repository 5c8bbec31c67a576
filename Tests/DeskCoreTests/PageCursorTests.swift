import DeskCatalog
@testable import DeskCore
import JSONValue
import XCTest

/// The paging rules every pager shares (`DeskClient.pages`, Lua's each/all).
final class PageCursorTests: XCTestCase {
    private func page(_ ids: ClosedRange<Int>) -> [JSON] { ids.map { ["id": .string(String($0))] } }

    func testStartsAtOneWithTheOperationsMaximum() {
        let cursor = PageCursor(operation: Fixtures.op(maxPageSize: 200))
        XCTAssertEqual(cursor.query, ["from": "1", "limit": "200"])
        XCTAssertEqual(PageCursor(operation: Fixtures.op()).pageSize, PageCursor.fallbackPageSize)
    }

    func testAskedSizeIsCappedAndStartIsAtLeastOne() {
        XCTAssertEqual(PageCursor(operation: Fixtures.op(maxPageSize: 50), pageSize: 500).pageSize, 50)
        XCTAssertEqual(PageCursor(operation: Fixtures.op(maxPageSize: 50), pageSize: 10).pageSize, 10)
        XCTAssertEqual(PageCursor(operation: Fixtures.op(maxPageSize: 50), from: 0).from, 1)
    }

    func testMovesByTheRecordsReceivedAndEndsOnAShortPage() throws {
        var cursor = PageCursor(operation: Fixtures.op(maxPageSize: 3))
        let first = page(1...3)
        try cursor.accept(count: first.count, first: first.first)
        XCTAssertEqual(cursor.query["from"], "4")
        XCTAssertFalse(cursor.isFinished)
        let second = page(4...5)
        try cursor.accept(count: second.count, first: second.first)
        XCTAssertTrue(cursor.isFinished)
    }

    func testEmptyPageEnds() throws {
        var cursor = PageCursor(operation: Fixtures.op(maxPageSize: 3))
        try cursor.accept(count: 0, first: nil)
        XCTAssertTrue(cursor.isFinished)
    }

    func testRepeatedPageIsAnErrorNamingTheOperation() throws {
        var cursor = PageCursor(operation: Fixtures.op("getAgents", maxPageSize: 3))
        let same = page(1...3)
        try cursor.accept(count: 3, first: same.first)
        XCTAssertThrowsError(try cursor.accept(count: 3, first: same.first)) { error in
            let desk = error as? DeskError
            XCTAssertEqual(desk?.operationId, "getAgents")
            XCTAssertTrue(desk?.message.contains("same page twice") == true)
        }
        XCTAssertTrue(cursor.isFinished)
    }

    func testResumedCursorKeepsTheRepeatGuard() throws {
        var cursor = PageCursor(operation: Fixtures.op(maxPageSize: 2))
        let records = page(1...2)
        try cursor.accept(count: 2, first: records.first)
        var resumed = PageCursor(resuming: cursor.operationId, pageSize: cursor.pageSize, from: cursor.from,
                                 previousFirst: cursor.previousFirst)
        XCTAssertThrowsError(try resumed.accept(count: 2, first: records.first))
    }
}

/// The retry rules in one place: what each outcome leads to.
final class RetryDecisionTests: XCTestCase {
    let policy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(10),
                             maxRetryAfter: .seconds(60), jitter: 0)

    private func decide(_ status: Int, _ code: String? = nil, method: String = "GET", attempt: Int = 1,
                        retryAfter: Duration? = nil, refreshed: Bool = false) -> RetryDecision {
        policy.decide(.response(status: status, errorCode: code, retryAfter: retryAfter, isHTML: false),
                      attempt: attempt, method: method, requiresAuth: true, tokenRefreshed: refreshed)
    }

    func testSuccessIsDelivered() {
        XCTAssertEqual(decide(200), .deliver)
        XCTAssertEqual(decide(204, method: "POST"), .deliver)
    }

    func testRefusedTokenIsRefreshedOnce() {
        XCTAssertEqual(decide(401, "INVALID_OAUTH", method: "POST"), .refreshToken)
        XCTAssertEqual(decide(401, "INVALID_OAUTH", refreshed: true), .fail(hint: nil))
    }

    func testTooManyRequestsIsRetriedForAnyMethodWithinTheAttempts() {
        XCTAssertEqual(decide(429, "TOO_MANY_REQUESTS", method: "POST"), .retry(after: .milliseconds(10), note: "rate limited"))
        XCTAssertEqual(decide(429, "TOO_MANY_REQUESTS", retryAfter: .seconds(2)),
                       .retry(after: .seconds(2), note: "rate limited (Retry-After)"))
        XCTAssertEqual(decide(429, "TOO_MANY_REQUESTS", attempt: 3), .fail(hint: nil))
        guard case .fail(let hint?) = decide(429, "TOO_MANY_REQUESTS", retryAfter: .seconds(600)) else {
            return XCTFail("a Retry-After past the cap is not waited for")
        }
        XCTAssertTrue(hint.contains("not waiting that long"))
    }

    func testThresholdExceededIsNeverRetried() {
        XCTAssertEqual(decide(429, "THRESHOLD_EXCEEDED"), .fail(hint: nil))
        XCTAssertEqual(decide(429, "THRESHOLD_EXCEEDED", retryAfter: .seconds(1)), .fail(hint: nil))
    }

    func testServerErrorsAndLostConnectionsAreRetriedOnlyWhenIdempotent() {
        XCTAssertEqual(decide(503), .retry(after: .milliseconds(10), note: "server error"))
        guard case .fail(let hint?) = decide(500, method: "POST") else { return XCTFail("POST is not replayed") }
        XCTAssertTrue(hint.contains("not retried"))
        let lost = policy.decide(.noResponse, attempt: 1, method: "DELETE", requiresAuth: true, tokenRefreshed: false)
        XCTAssertEqual(lost, .retry(after: .milliseconds(10), note: "no response"))
        let gaveUp = policy.decide(.noResponse, attempt: 3, method: "GET", requiresAuth: true, tokenRefreshed: false)
        XCTAssertEqual(gaveUp, .fail(hint: "Gave up after 3 attempt(s)."))
    }

    func testClientErrorsFailAtOnce() {
        XCTAssertEqual(decide(422, "INVALID_DATA"), .fail(hint: nil))
        XCTAssertEqual(decide(404, "URL_NOT_FOUND"), .fail(hint: nil))
    }
}

/// Concurrency that fits the org: where the number comes from, and the
/// halving after sustained 429 TOO_MANY_REQUESTS.
final class ConcurrencySettingTests: XCTestCase {
    func testPrecedenceFlagEnvironmentProfileEditionDefault() throws {
        let env = ["ZDSH_CONCURRENCY": "7"]
        XCTAssertEqual(try ConcurrencySetting.resolve(flag: 3, environment: env, stored: 9, edition: "ENTERPRISE").value, 3)
        XCTAssertEqual(try ConcurrencySetting.resolve(flag: nil, environment: env, stored: 9, edition: "ENTERPRISE").value, 7)
        XCTAssertEqual(try ConcurrencySetting.resolve(flag: nil, environment: [:], stored: 9, edition: "ENTERPRISE").value, 9)
        XCTAssertEqual(try ConcurrencySetting.resolve(flag: nil, environment: [:], stored: nil, edition: "ENTERPRISE").value, 25)
        XCTAssertEqual(try ConcurrencySetting.resolve(flag: nil, environment: [:], stored: nil, edition: "PROFESSIONAL").value, 15)
        let unknown = try ConcurrencySetting.resolve(flag: nil, environment: [:], stored: nil, edition: nil)
        XCTAssertEqual(unknown, ConcurrencySetting(value: 5, source: "default"))
    }

    func testEditionLimits() {
        XCTAssertEqual(["FREE", "trial", "Express", "STANDARD", "PROFESSIONAL", "ENTERPRISE"].map {
            ConcurrencySetting.limit(forEdition: $0) }, [5, 5, 10, 10, 15, 25])
        XCTAssertEqual(ConcurrencySetting.limit(forEdition: "ENTERPRISE", isTrial: true), 5)
        XCTAssertNil(ConcurrencySetting.limit(forEdition: "GALACTIC"))
    }

    func testOutOfRangeValuesAreRefusedNamingTheirSource() {
        XCTAssertThrowsError(try ConcurrencySetting.resolve(flag: 0, environment: [:], stored: nil, edition: nil)) {
            XCTAssertTrue("\($0)".contains("--concurrency"), "\($0)")
        }
        XCTAssertThrowsError(try ConcurrencySetting.resolve(flag: nil, environment: ["ZDSH_CONCURRENCY": "lots"],
                                                            stored: nil, edition: nil)) {
            XCTAssertTrue("\($0)".contains("ZDSH_CONCURRENCY"), "\($0)")
        }
        XCTAssertThrowsError(try ConcurrencySetting.resolve(flag: nil, environment: ["ZDSH_CONCURRENCY": "99"],
                                                            stored: nil, edition: nil))
    }

    func testThreeTooManyRequestsInTenAnswersHalveTheLimitOnce() async {
        let limiter = ConcurrencyLimiter(limit: 20)
        var changes: [(from: Int, to: Int)] = []
        for tooMany in [true, false, true, false, false, true] {
            if let c = await limiter.note(tooManyRequests: tooMany, generation: 0) { changes.append(c) }
        }
        XCTAssertEqual(changes.map(\.to), [10])
        let limit1 = await limiter.limit
        XCTAssertEqual(limit1, 10)
        // Answers to calls sent before the lowering do not count again.
        for _ in 0..<5 { _ = await limiter.note(tooManyRequests: true, generation: 0) }
        let limit2 = await limiter.limit
        XCTAssertEqual(limit2, 10)
        for _ in 0..<3 { _ = await limiter.note(tooManyRequests: true, generation: 1) }
        let limit3 = await limiter.limit
        XCTAssertEqual(limit3, 5)
    }

    func testScattered429sDoNotLowerAndTheFloorIsOne() async {
        let limiter = ConcurrencyLimiter(limit: 8)
        for i in 0..<40 { _ = await limiter.note(tooManyRequests: i % 5 == 0, generation: 0) }
        let limit4 = await limiter.limit
        XCTAssertEqual(limit4, 8, "2 in any 10 answers is a passing burst")
        let one = ConcurrencyLimiter(limit: 1)
        for _ in 0..<10 { let change = await one.note(tooManyRequests: true, generation: 0); XCTAssertNil(change) }
        let limit5 = await one.limit
        XCTAssertEqual(limit5, 1)
    }

    /// The client feeds its answers to the limiter and says so once.
    func testSustained429sThroughTheClientLowerTheLimitAndSaySoOnce() async throws {
        let zoho = FakeZoho(desk: { _ in .error(429, "TOO_MANY_REQUESTS") })
        let limiter = ConcurrencyLimiter(limit: 16)
        let notices = NoticeBox()
        let client = Fixtures.client(zoho, attempts: 10) { $0.limiter = limiter; $0.notice = notices.add }
        _ = try? await client.call(Fixtures.op())
        let limit6 = await limiter.limit
        XCTAssertEqual(limit6, 2, "one call's 10 sequential 429s halve at every third: 16, 8, 4, 2")
        XCTAssertEqual(notices.all.count, 1)
        XCTAssertTrue(notices.all[0].contains("lowered from 16 to 8"), notices.all[0])
    }

    func testThresholdExceededSaysWhenItResets() async throws {
        let zoho = FakeZoho(desk: { _ in .error(429, "THRESHOLD_EXCEEDED", "too many requests", headers: [Header("Retry-After", "3600")]) })
        let client = Fixtures.client(zoho)
        await XCTAssertThrowsDeskError(try await client.call(Fixtures.op())) { error in
            XCTAssertEqual(error.kind, .dailyLimitExceeded)
            XCTAssertTrue(error.hint?.contains("too many requests") == true, error.hint ?? "")
            XCTAssertTrue(error.hint?.contains("resets at") == true, error.hint ?? "")
            XCTAssertTrue(error.hint?.contains("(in 60m)") == true || error.hint?.contains("(in 1h 0m)") == true, error.hint ?? "")
        }
        XCTAssertEqual(zoho.transport.deskRequests.count, 1, "not retried")
    }
}

final class NoticeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var notices: [String] = []
    var add: @Sendable (String) -> Void { { [self] text in lock.withLock { notices.append(text) } } }
    var all: [String] { lock.withLock { notices } }
}
