@testable import DeskCore
import Foundation
import JSONValue
import XCTest

/// Zoho's token throttling (issue 16): a refused refresh is remembered in the
/// store, and until its back-off ends no caller asks Zoho again.
final class ThrottleBackoffTests: XCTestCase {
    static let throttled = WireResponse.json([
        "error": "Access Denied",
        "error_description": "You have made too many requests continuously. Please try again after some time.",
    ], status: 400)

    func testThrottleAnswerIsRecognisedAndNamesTheRetryTime() async throws {
        let zoho = FakeZoho()
        zoho.tokenAnswer = { _ in Self.throttled }
        let client = Fixtures.client(zoho, connection: Fixtures.connection(accessToken: nil))
        let before = Date()
        await XCTAssertThrowsDeskError(try await client.call(Fixtures.op())) { error in
            XCTAssertEqual(error.kind, .authentication)
            XCTAssertEqual(error.errorCode, "access_denied")
            XCTAssertTrue(error.message.contains("too many access tokens"), error.message)
            XCTAssertTrue(error.message.contains("Retry after \(UTCTimestamp.string(from: before.addingTimeInterval(600)).prefix(15))"),
                          error.message)
            XCTAssertTrue(error.message.contains("(in 600 s)") || error.message.contains("(in 599 s)"), error.message)
        }
        XCTAssertEqual(zoho.issued, 1)
    }

    func testRefusedRefreshIsNotRepeatedByLaterCalls() async throws {
        let zoho = FakeZoho()
        zoho.tokenAnswer = { _ in Self.throttled }
        let store = InMemoryTokenStore([Fixtures.connection(accessToken: nil)])
        let client = Fixtures.client(zoho, connection: Fixtures.connection(accessToken: nil), store: store)
        // Each pcall, each desk.each worker: twenty calls, concurrent and then sequential.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 { group.addTask { _ = try? await client.call(Fixtures.op()) } }
            try await group.waitForAll()
        }
        for _ in 0..<10 {
            await XCTAssertThrowsDeskError(try await client.call(Fixtures.op())) { error in
                XCTAssertTrue(error.message.contains("Retry after"), error.message)
            }
        }
        XCTAssertEqual(zoho.issued, 1, "one refresh attempt per back-off window")
        XCTAssertTrue(zoho.transport.deskRequests.isEmpty)
        let backoff = await store.refreshBackoff(profile: "default")
        XCTAssertEqual(backoff?.code, "access_denied")
    }

    func testBackoffIsSharedThroughTheSQLiteStoreAndSurvivesReopening() async throws {
        let path = Fixtures.tempDir() + "/connections.sqlite"
        let first = try SQLiteTokenStore(path: path)
        try await first.save(Fixtures.connection(accessToken: nil))
        let zoho = FakeZoho()
        zoho.tokenAnswer = { _ in Self.throttled }
        let connection = try await first.load(profile: "default")!
        _ = try? await Fixtures.client(zoho, connection: connection, store: first).call(Fixtures.op())
        XCTAssertEqual(zoho.issued, 1)

        // Another process opening the same file later fails fast too.
        let second = try SQLiteTokenStore(path: path)
        let later = Fixtures.client(zoho, connection: try await second.load(profile: "default")!, store: second)
        await XCTAssertThrowsDeskError(try await later.call(Fixtures.op())) { error in
            XCTAssertTrue(error.message.contains("Retry after"), error.message)
        }
        XCTAssertEqual(zoho.issued, 1)
        let status = try await AuthService(store: second, transport: zoho.transport).status(profile: "default")
        XCTAssertNotNil(status.refreshBlockedUntil)
        XCTAssertTrue(status.description.contains("token refresh: throttled by Zoho"), status.description)
    }

    /// A token refused with 401 while refresh is throttled is not handed to
    /// the next process either: it fails fast without sending anything.
    func testRefusedTokenIsNotLoadedByTheNextProcess() async throws {
        let path = Fixtures.tempDir() + "/connections.sqlite"
        let first = try SQLiteTokenStore(path: path)
        try await first.save(Fixtures.connection())
        let zoho = FakeZoho(desk: { _ in .error(401, "INVALID_OAUTH") })
        zoho.tokenAnswer = { _ in Self.throttled }
        let a = Fixtures.client(zoho, connection: try await first.load(profile: "default")!, store: first)
        _ = try? await a.call(Fixtures.op())
        XCTAssertEqual(zoho.transport.deskRequests.count, 1)
        XCTAssertEqual(zoho.issued, 1)

        let second = try SQLiteTokenStore(path: path)
        let loaded = try await second.load(profile: "default")!
        XCTAssertNil(loaded.accessToken, "the refused token is forgotten")
        let b = Fixtures.client(zoho, connection: loaded, store: second)
        await XCTAssertThrowsDeskError(try await b.call(Fixtures.op())) { error in
            XCTAssertTrue(error.message.contains("Retry after"), error.message)
        }
        XCTAssertEqual(zoho.transport.deskRequests.count, 1, "nothing sent by the second process")
        XCTAssertEqual(zoho.issued, 1)
    }

    func testBackoffEndsAndTheNextRefreshClearsIt() async throws {
        let store = InMemoryTokenStore([Fixtures.connection(accessToken: nil)])
        let fingerprint = Fingerprint.of(Secret(Fixtures.refreshToken))
        await store.failRefresh(profile: "default", holder: "other",
                                    backoff: RefreshBackoff(until: Date().addingTimeInterval(-1), code: "access_denied",
                                                            refreshFingerprint: fingerprint))
        let zoho = FakeZoho()
        let client = Fixtures.client(zoho, connection: Fixtures.connection(accessToken: nil), store: store)
        _ = try await client.call(Fixtures.op())
        XCTAssertEqual(zoho.issued, 1)
        let cleared = await store.refreshBackoff(profile: "default")
        XCTAssertNil(cleared)
    }

    /// Zoho blocks one refresh token: a different one (ZOHO_REFRESH_TOKEN
    /// override, a new login) is not held back by the old one's back-off.
    func testBackoffBelongsToOneRefreshToken() async throws {
        let store = InMemoryTokenStore([Fixtures.connection(accessToken: nil)])
        await store.failRefresh(profile: "default", holder: "other",
                                    backoff: RefreshBackoff(until: Date().addingTimeInterval(600), code: "access_denied",
                                                            refreshFingerprint: "someothertoken"))
        let zoho = FakeZoho()
        _ = try await Fixtures.client(zoho, connection: Fixtures.connection(accessToken: nil), store: store).call(Fixtures.op())
        XCTAssertEqual(zoho.issued, 1)
    }

    func testOtherRefreshFailuresAreNotRemembered() async throws {
        let zoho = FakeZoho()
        zoho.tokenAnswer = { n in n == 1 ? .json(["error": "invalid_client"]) : .json(["access_token": "1000.ok", "expires_in": 3600]) }
        let store = InMemoryTokenStore([Fixtures.connection(accessToken: nil)])
        let client = Fixtures.client(zoho, connection: Fixtures.connection(accessToken: nil), store: store)
        _ = try? await client.call(Fixtures.op())
        _ = try await client.call(Fixtures.op())
        XCTAssertEqual(zoho.issued, 2)
    }
}
