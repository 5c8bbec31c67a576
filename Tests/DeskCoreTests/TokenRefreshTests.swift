@testable import DeskCore
import Foundation
import TestSupport
import JSONValue
import XCTest

final class TokenRefreshTests: XCTestCase {
    func testTokenWellBeforeExpiryIsUsedWithoutRefresh() async throws {
        let zoho = FakeZoho()
        let client = Fixtures.client(zoho, connection: Fixtures.connection(expiresIn: 300))
        _ = try await client.call(Fixtures.op())
        XCTAssertEqual(zoho.issued, 0)
        XCTAssertEqual(zoho.transport.deskRequests.first?.header("Authorization"), "Zoho-oauthtoken \(Fixtures.accessToken)")
    }

    func testTokenWithinSkewIsRefreshedBeforeTheCall() async throws {
        let zoho = FakeZoho()
        let client = Fixtures.client(zoho, connection: Fixtures.connection(expiresIn: 100))  // skew is 120 s
        _ = try await client.call(Fixtures.op())
        XCTAssertEqual(zoho.issued, 1)
        XCTAssertEqual(zoho.transport.deskRequests.first?.header("Authorization"), "Zoho-oauthtoken 1000.access1")
        let form = zoho.transport.tokenRequests[0].bodyText
        XCTAssertTrue(form.contains("grant_type=refresh_token"))
        XCTAssertFalse(zoho.transport.tokenRequests[0].url.contains("refresh_token"), "secrets go in the body, not the URL")
    }

    func testSkewIsConfigurable() async throws {
        let zoho = FakeZoho()
        let client = Fixtures.client(zoho, connection: Fixtures.connection(expiresIn: 300)) { $0.refreshSkew = 600 }
        _ = try await client.call(Fixtures.op())
        XCTAssertEqual(zoho.issued, 1)
    }

    func testInvalidOAuth401RefreshesOnceAndRetriesOnce() async throws {
        let zoho = FakeZoho()
        zoho.desk = { request in
            request.header("Authorization") == "Zoho-oauthtoken \(Fixtures.accessToken)"
                ? .error(401, "INVALID_OAUTH", "The OAuth Token you provided is invalid.")
                : .json(["id": "1"])
        }
        let client = Fixtures.client(zoho)
        let result = try await client.call(Fixtures.op(method: "POST"))
        XCTAssertEqual(result.json?["id"], "1")
        XCTAssertEqual(zoho.issued, 1)
        XCTAssertEqual(zoho.transport.deskRequests.count, 2)
    }

    func testPersistent401IsNotRetriedForever() async throws {
        let zoho = FakeZoho(desk: { _ in .error(401, "INVALID_OAUTH") })
        let client = Fixtures.client(zoho)
        await XCTAssertThrowsDeskError(try await client.call(Fixtures.op())) { error in
            XCTAssertEqual(error.status, 401)
            XCTAssertEqual(error.errorCode, "INVALID_OAUTH")
        }
        XCTAssertEqual(zoho.issued, 1)
        XCTAssertEqual(zoho.transport.deskRequests.count, 2)
    }

    func testConcurrentCallsInOneProcessShareOneRefresh() async throws {
        let zoho = FakeZoho()
        zoho.tokenDelay = .milliseconds(50)
        let client = Fixtures.client(zoho, connection: Fixtures.connection(accessToken: nil))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { _ = try await client.call(Fixtures.op()) } }
            try await group.waitForAll()
        }
        XCTAssertEqual(zoho.issued, 1)
        XCTAssertEqual(zoho.transport.deskRequests.count, 20)
    }

    /// Two clients with two separate SQLite connections to one store file
    /// stand in for two zdsh processes: Zoho must see one refresh.
    func testRefreshIsSingleFlightAcrossStoresSharingOneFile() async throws {
        let path = Fixtures.tempDir() + "/connections.sqlite"
        let zoho = FakeZoho()
        zoho.tokenDelay = .milliseconds(150)
        let stale = Fixtures.connection(accessToken: nil)
        let storeA = try SQLiteTokenStore(path: path)
        try await storeA.save(stale)
        let storeB = try SQLiteTokenStore(path: path)
        let processes = [storeA, storeB, try SQLiteTokenStore(path: path), try SQLiteTokenStore(path: path)]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in processes {
                group.addTask {
                    let connection = try await store.load(profile: "default")!
                    let client = Fixtures.client(zoho, connection: connection, store: store)
                    for _ in 0..<3 { _ = try await client.call(Fixtures.op()) }
                }
            }
            try await group.waitForAll()
        }
        XCTAssertEqual(zoho.issued, 1, "eight-process rule: one refresh for everyone")
        let refreshCount = try await storeB.refreshCount(profile: "default")
        XCTAssertEqual(refreshCount, 1)
        XCTAssertEqual(Set(zoho.transport.deskRequests.map { $0.header("Authorization") }), ["Zoho-oauthtoken 1000.access1"])
    }

    /// The same, with real separate processes: this test binary re-runs
    /// this very test as three children, which find the store in their
    /// environment and refresh instead of spawning (see `refreshAsChild`).
    func testRefreshIsSingleFlightAcrossRealProcesses() async throws {
        let env = ProcessInfo.processInfo.environment
        if let path = env["ZDSH_TEST_CHILD_STORE"], let counter = env["ZDSH_TEST_CHILD_COUNTER"] {
            return try await refreshAsChild(store: path, counter: counter)
        }
        guard let executable = ProcessInfo.processInfo.arguments.first,
              FileManager.default.isExecutableFile(atPath: executable),
              !executable.hasSuffix("swift") else { throw XCTSkip("test runner not re-executable") }
        let dir = Fixtures.tempDir()
        let path = dir + "/connections.sqlite"
        try await SQLiteTokenStore(path: path).save(Fixtures.connection(accessToken: nil))
        let counter = dir + "/token-endpoint-calls"
        _ = FileManager.default.createFile(atPath: counter, contents: nil)
        let this = "DeskCoreTests.TokenRefreshTests/testRefreshIsSingleFlightAcrossRealProcesses"
        let arguments = ProcessInfo.processInfo.arguments.count > 1 && ProcessInfo.processInfo.arguments[1].hasSuffix(".xctest")
            ? [ProcessInfo.processInfo.arguments[1], this] : [this]
        let environment = env.merging(["ZDSH_TEST_CHILD_STORE": path, "ZDSH_TEST_CHILD_COUNTER": counter]) { _, b in b }
        let children = try (0..<3).map { _ in try ChildProcess(executable, arguments, environment: environment) }
        XCTAssertEqual(children.map { $0.wait(timeout: 60).status }, [0, 0, 0])
        let calls = try String(contentsOfFile: counter, encoding: .utf8).filter { $0 == "x" }.count
        XCTAssertEqual(calls, 1, "three processes, one refresh")
    }

    /// One child's part: a call that needs a token, whose refresh is counted
    /// in `counter` (slowly, so the other children overlap it).
    private func refreshAsChild(store path: String, counter: String) async throws {
        let zoho = FakeZoho()
        zoho.tokenAnswer = { _ in
            let handle = FileHandle(forWritingAtPath: counter)!
            handle.seekToEndOfFile()
            handle.write(Data("x".utf8))
            try? handle.close()
            Thread.sleep(forTimeInterval: 0.3)
            return .json(["access_token": "1000.fromchild", "expires_in": 3600])
        }
        let store = try SQLiteTokenStore(path: path)
        let connection = try await store.load(profile: "default")
        let client = Fixtures.client(zoho, connection: try XCTUnwrap(connection), store: store)
        _ = try await client.call(Fixtures.op())
    }

    func testAbandonedLeaseIsTakenOverAfterItExpires() async throws {
        let store = InMemoryTokenStore([Fixtures.connection(accessToken: nil)])
        let claim = try await store.claimRefresh(profile: "default", holder: "crashed", lease: 0.1) { _ in false }
        XCTAssertEqual(claim, .claimed)
        let zoho = FakeZoho()
        let client = Fixtures.client(zoho, connection: Fixtures.connection(accessToken: nil), store: store)
        _ = try await client.call(Fixtures.op())
        XCTAssertEqual(zoho.issued, 1)
    }

    func testTokenCachedByAnotherProcessIsPickedUp() async throws {
        let store = InMemoryTokenStore()
        await store.completeRefresh(profile: "default", holder: "other", token: CachedToken(
            accessToken: "1000.shared", expiresAt: Date().addingTimeInterval(3000),
            refreshFingerprint: Fingerprint.of(Secret(Fixtures.refreshToken))))
        let zoho = FakeZoho()
        let client = Fixtures.client(zoho, connection: Fixtures.connection(accessToken: nil), store: store)
        _ = try await client.call(Fixtures.op())
        XCTAssertEqual(zoho.issued, 0)
        XCTAssertEqual(zoho.transport.deskRequests[0].header("Authorization"), "Zoho-oauthtoken 1000.shared")
    }

    func testApiDomainFromTokenResponseMovesTheClientToThatDataCentre() async throws {
        let zoho = FakeZoho()
        zoho.tokenAnswer = { _ in .json(["access_token": "1000.eu", "expires_in": 3600, "api_domain": "https://www.zohoapis.eu"]) }
        let store = InMemoryTokenStore([Fixtures.connection(accessToken: nil)])
        let client = Fixtures.client(zoho, connection: Fixtures.connection(accessToken: nil), store: store)
        _ = try await client.call(Fixtures.op())
        XCTAssertTrue(zoho.transport.deskRequests[0].url.hasPrefix("https://desk.zoho.eu/api/v1/things"))
        let stored = await store.load(profile: "default")
        XCTAssertEqual(stored?.dataCenter, .eu)
        XCTAssertEqual(stored?.apiDomain, "https://www.zohoapis.eu")
    }

    func testOverriddenBaseURLIsNotMovedByApiDomain() async throws {
        let zoho = FakeZoho()
        var connection = Fixtures.connection(accessToken: nil)
        connection.apiURL = "http://127.0.0.1:8080"
        let client = Fixtures.client(zoho, connection: connection)
        _ = try await client.call(Fixtures.op())
        XCTAssertTrue(zoho.transport.deskRequests[0].url.hasPrefix("http://127.0.0.1:8080/api/v1/things"))
    }
}
