@testable import DeskCore
import Foundation
import TestSupport
import JSONValue
import XCTest

/// Answers from a script, one per request, repeating the last.
final class Script: @unchecked Sendable {
    private let lock = NSLock()
    private var steps: [Result<WireResponse, TransportError>]
    init(_ steps: [Result<WireResponse, TransportError>]) { self.steps = steps }
    func next() throws -> WireResponse {
        let step = lock.withLock { steps.count > 1 ? steps.removeFirst() : steps[0] }
        return try step.get()
    }
}

final class RetryTests: XCTestCase {
    private func client(_ steps: [Result<WireResponse, TransportError>], attempts: Int = 4,
                        sleeps: SleepRecorder = SleepRecorder()) -> (DeskClient, FakeZoho) {
        let script = Script(steps)
        let zoho = FakeZoho(desk: { _ in try script.next() })
        return (Fixtures.client(zoho, attempts: attempts) { $0.sleep = sleeps.sleep }, zoho)
    }

    /// Issue 26: a Retry-After no wait can be is treated as absent (it trapped
    /// converting to Int64 before), on any answer.
    func testRetryAfterOutOfRangeIsAbsent() async throws {
        for value in ["inf", "-inf", "1e300", "nan", "1e19", "-1", "9223372036854775807", "Fri, 31 Dec 9999 23:59:59 GMT"] {
            XCTAssertNil(RetryPolicy.retryAfter(value), value)
            let (client, _) = client([.success(.json(["ok": true], headers: [Header("Retry-After", value)]))])
            let r = try await client.call(Fixtures.op())
            XCTAssertEqual(r.json?["ok"], true, value)
        }
        XCTAssertEqual(RetryPolicy.retryAfter("2"), .seconds(2))
        XCTAssertEqual(RetryPolicy.retryAfter("0.25"), .milliseconds(250))
    }

    /// A 429 whose Retry-After is out of range backs off as if it had none.
    func testRateLimitWithHostileRetryAfterBacksOffNormally() async throws {
        let sleeps = SleepRecorder()
        let (client, zoho) = client([.success(.error(429, "TOO_MANY_REQUESTS", headers: [Header("Retry-After", "1e300")])),
                                     .success(.json(["ok": true]))], sleeps: sleeps)
        _ = try await client.call(Fixtures.op())
        XCTAssertEqual(zoho.transport.deskRequests.count, 2)
        XCTAssertEqual(sleeps.sleeps.count, 1)
        XCTAssertLessThanOrEqual(sleeps.sleeps.first ?? .zero, .seconds(1))
    }

    func testGetIsRetriedAfterServerError() async throws {
        let (client, zoho) = client([.success(.error(500, "INTERNAL_SERVER_ERROR")), .success(.json(["ok": true]))])
        let r = try await client.call(Fixtures.op())
        XCTAssertEqual(r.json?["ok"], true)
        XCTAssertEqual(zoho.transport.deskRequests.count, 2)
    }

    func testPostIsNotRetriedAfterServerError() async throws {
        let (client, zoho) = client([.success(.error(500, "INTERNAL_SERVER_ERROR")), .success(.json(["ok": true]))])
        await XCTAssertThrowsDeskError(try await client.call(Fixtures.op(method: "POST"))) { error in
            XCTAssertEqual(error.status, 500)
            XCTAssertTrue(error.hint?.contains("not retried") == true)
        }
        XCTAssertEqual(zoho.transport.deskRequests.count, 1)
    }

    func testPostIsNotRetriedAfterConnectionLoss() async throws {
        let (client, zoho) = client([.failure(.connectionReset), .success(.json([:]))])
        await XCTAssertThrowsDeskError(try await client.call(Fixtures.op(method: "POST"))) {
            XCTAssertEqual($0.kind, .network)
        }
        XCTAssertEqual(zoho.transport.deskRequests.count, 1)
    }

    func testIdempotentMethodsAreRetriedAfterConnectionErrors() async throws {
        for method in ["GET", "PUT", "DELETE"] {
            let (client, zoho) = client([.failure(.timedOut), .failure(.connectionReset), .success(.json(["ok": true]))])
            _ = try await client.call(Fixtures.op(method: method))
            XCTAssertEqual(zoho.transport.deskRequests.count, 3, method)
        }
    }

    func testRetriesStopAfterMaxAttemptsWithCappedExponentialBackoff() async throws {
        let sleeps = SleepRecorder()
        let script = Script([.success(.error(503, "INTERNAL_SERVER_ERROR"))])
        let zoho = FakeZoho(desk: { _ in try script.next() })
        let client = Fixtures.client(zoho) {
            $0.sleep = sleeps.sleep
            $0.retry = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .milliseconds(300), jitter: 0)
        }
        await XCTAssertThrowsDeskError(try await client.call(Fixtures.op())) { XCTAssertEqual($0.status, 503) }
        XCTAssertEqual(zoho.transport.deskRequests.count, 5)
        XCTAssertEqual(sleeps.sleeps, [.milliseconds(100), .milliseconds(200), .milliseconds(300), .milliseconds(300)])
    }

    func testTooManyRequestsHonoursRetryAfterAndRetriesEvenPost() async throws {
        let sleeps = SleepRecorder()
        let (client, zoho) = client([.success(.error(429, "TOO_MANY_REQUESTS", headers: [Header("Retry-After", "2")])),
                                     .success(.json(["id": "9"]))], sleeps: sleeps)
        let r = try await client.call(Fixtures.op(method: "POST"))
        XCTAssertEqual(r.json?["id"], "9")
        XCTAssertEqual(zoho.transport.deskRequests.count, 2)
        XCTAssertEqual(sleeps.sleeps, [.seconds(2)])
    }

    func testTooManyRequestsWithoutRetryAfterBacksOffWithJitter() async throws {
        let sleeps = SleepRecorder()
        let script = Script([.success(.error(429, "TOO_MANY_REQUESTS"))])
        let zoho = FakeZoho(desk: { _ in try script.next() })
        let client = Fixtures.client(zoho) {
            $0.sleep = sleeps.sleep
            $0.retry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0.5)
        }
        await XCTAssertThrowsDeskError(try await client.call(Fixtures.op())) { error in
            XCTAssertEqual(error.kind, .rateLimited)
            XCTAssertEqual(error.errorCode, "TOO_MANY_REQUESTS")
        }
        XCTAssertEqual(sleeps.sleeps.count, 2)
        XCTAssertTrue(sleeps.sleeps[0] >= .milliseconds(50) && sleeps.sleeps[0] <= .milliseconds(100))
        XCTAssertTrue(sleeps.sleeps[1] >= .milliseconds(100) && sleeps.sleeps[1] <= .milliseconds(200))
    }

    func testThresholdExceededStopsImmediately() async throws {
        let sleeps = SleepRecorder()
        let (client, zoho) = client([.success(.error(429, "THRESHOLD_EXCEEDED", "API credits exhausted")),
                                     .success(.json([:]))], sleeps: sleeps)
        await XCTAssertThrowsDeskError(try await client.call(Fixtures.op())) { error in
            XCTAssertEqual(error.kind, .dailyLimitExceeded)
            XCTAssertTrue(error.hint?.contains("daily") == true)
        }
        XCTAssertEqual(zoho.transport.deskRequests.count, 1)
        XCTAssertEqual(sleeps.sleeps, [])
    }

    func testRetryAfterLongerThanTheCapIsNotWaitedFor() async throws {
        let sleeps = SleepRecorder()
        let (client, zoho) = client([.success(.error(429, "TOO_MANY_REQUESTS", headers: [Header("Retry-After", "3600")]))],
                                    sleeps: sleeps)
        await XCTAssertThrowsDeskError(try await client.call(Fixtures.op())) { XCTAssertEqual($0.kind, .rateLimited) }
        XCTAssertEqual(zoho.transport.deskRequests.count, 1)
        XCTAssertEqual(sleeps.sleeps, [])
    }

    func testRetryAfterHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let value = "Tue, 14 Nov 2023 22:13:30 GMT"  // now + 10 s
        XCTAssertEqual(RetryPolicy.retryAfter(value, now: now), .seconds(10))
        XCTAssertEqual(RetryPolicy.retryAfter("1.5"), .milliseconds(1500))
        XCTAssertNil(RetryPolicy.retryAfter("soon"))
    }
}

final class RetryAfterRefreshTests: XCTestCase {
    func testServerErrorAfterA401RefreshDoesNotRefreshAgain() async throws {
        let script = Script([.success(.error(401, "INVALID_OAUTH")), .success(.error(500, "INTERNAL_SERVER_ERROR")),
                             .success(.json(["ok": true]))])
        let zoho = FakeZoho(desk: { _ in try script.next() })
        let client = Fixtures.client(zoho)
        _ = try await client.call(Fixtures.op())
        XCTAssertEqual(zoho.issued, 1)
        XCTAssertEqual(zoho.transport.deskRequests.count, 3)
    }
}

final class HTTPTransportTests: XCTestCase {
    func testRefusedConnectionBecomesTransportError() async throws {
        var settings = HTTPTransport.Settings()
        settings.connectTimeout = .milliseconds(300)
        try await HTTPTransport.withTransport(settings: settings) { transport in
            do {
                _ = try await transport.send(WireRequest(method: "GET", url: "http://127.0.0.1:1/api/v1/x"))
                XCTFail("expected a transport error")
            } catch let error as TransportError {
                switch error {
                case .cannotConnect, .timedOut, .connectionReset: break
                default: XCTFail("unexpected \(error)")
                }
            }
        }
    }
}

final class HTTPTransportLiveTests: XCTestCase {
    /// A real round trip through AsyncHTTPClient against a throwaway local
    /// server (python3's http.server); skipped where python3 is missing.
    func testRoundTripAgainstLocalServer() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { throw XCTSkip("no python3") }
        let dir = Fixtures.tempDir()
        try Data(#"{"id":"1892000000056096"}"#.utf8).write(to: URL(fileURLWithPath: dir + "/thing.json"))
        let port = Int.random(in: 20000..<40000)
        let server = try ChildProcess("/usr/bin/python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", dir])
        defer { server.send(SIGKILL); _ = server.wait(timeout: 5) }
        try await HTTPTransport.withTransport { transport in
            var response: WireResponse?
            for _ in 0..<50 {
                response = try? await transport.send(WireRequest(method: "GET", url: "http://127.0.0.1:\(port)/thing.json",
                                                                 headers: [Header("Accept", "application/json")]))
                if response != nil { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let r = try XCTUnwrap(response)
            XCTAssertEqual(r.status, 200)
            XCTAssertEqual(try JSON.parse(r.body)["id"], "1892000000056096")
        }
    }
}
