import DeskCatalog
@testable import DeskCore
import Foundation
import JSONValue
import XCTest

/// Seeds recognisable fake secrets, drives every failure path we can think
/// of, and scans every error description and log line for them.
final class SecretLeakTests: XCTestCase {
    let secrets = [Fixtures.clientSecret, Fixtures.refreshToken, Fixtures.accessToken, "1000.grantcode0001"]

    private func assertClean(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        for secret in secrets { XCTAssertFalse(text.contains(secret), "leaked \(secret) in: \(text)", file: file, line: line) }
    }

    func testNoSecretInErrorsOrLogs() async throws {
        let log = CollectingLogSink()
        var texts: [String] = []
        // Servers that echo credentials back in every shape we can imagine.
        let echo = "token \(Fixtures.accessToken) refresh_token=\(Fixtures.refreshToken) secret \(Fixtures.clientSecret)"
        let answers: [WireResponse] = [
            .error(401, "INVALID_OAUTH", echo),
            .error(422, "INVALID_DATA", echo),
            .error(429, "THRESHOLD_EXCEEDED", echo),
            .error(500, "INTERNAL_SERVER_ERROR", echo),
            WireResponse(status: 502, body: Array(echo.utf8)),
            WireResponse(status: 401, body: Array("<html><title>\(echo)</title></html>".utf8)),
            .json(["errorCode": "INVALID_DATA", "message": .string(echo),
                   "errors": [["fieldName": "/x", "errorType": "invalid", "errorMessage": .string(echo)]]], status: 422),
        ]
        for answer in answers {
            let zoho = FakeZoho(desk: { _ in answer })
            zoho.tokenAnswer = { _ in .json(["error": .string("invalid_code"), "error_description": .string(echo)]) }
            let client = Fixtures.client(zoho, attempts: 2) { $0.log = log }
            do { _ = try await client.call(Fixtures.op(method: "POST")) } catch { texts.append(String(describing: error)); texts.append("\(error.localizedDescription)") }
        }
        // Transport failures whose description contains the request.
        let failing = FakeZoho(desk: { _ in throw TransportError.cannotConnect("POST with Authorization: Zoho-oauthtoken \(Fixtures.accessToken)") })
        do { _ = try await Fixtures.client(failing) { $0.log = log }.call(Fixtures.op()) } catch { texts.append(String(describing: error)) }
        // OAuth failures at the token endpoint and during login.
        let oauthZoho = FakeZoho()
        oauthZoho.tokenAnswer = { _ in .json(["error": "invalid_client", "error_description": .string(echo)]) }
        do {
            _ = try await AuthService(store: InMemoryTokenStore(), transport: oauthZoho.transport, log: log)
                .login(.init(dataCenter: .eu, clientId: "cid", clientSecret: Secret(Fixtures.clientSecret), code: "1000.grantcode0001"))
        } catch { texts.append(String(describing: error)) }
        do {
            _ = try await OAuthClient(accountsURL: "https://accounts.zoho.com", transport: oauthZoho.transport, log: log)
                .refresh(refreshToken: Secret(Fixtures.refreshToken), clientId: "cid", clientSecret: Secret(Fixtures.clientSecret))
        } catch { texts.append(String(describing: error)) }
        // Values that hold secrets, printed the usual ways.
        let connection = Fixtures.connection()
        texts += [String(describing: connection), "\(connection)", String(reflecting: connection),
                  String(describing: Secret(Fixtures.clientSecret))]
        var dumped = ""
        dump(connection, to: &dumped)
        texts.append(dumped)

        XCTAssertGreaterThan(texts.count, 8)
        XCTAssertFalse(log.lines.isEmpty)
        for text in texts + log.lines { assertClean(text) }
    }

    func testVerboseLogShowsMethodPathStatusCodeDurationAndRetryReason() async throws {
        let log = CollectingLogSink()
        let script = Script([.success(.error(429, "TOO_MANY_REQUESTS", headers: [Header("Retry-After", "0")])),
                             .success(.json(["ok": true]))])
        let zoho = FakeZoho(desk: { _ in try script.next() })
        let client = Fixtures.client(zoho) { $0.log = log }
        _ = try await client.call(Fixtures.op(), query: ["limit": "5"])
        let lines = log.lines
        XCTAssertTrue(lines.contains { $0.hasPrefix("→ GET /api/v1/things?limit=5") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("← 429 GET /api/v1/things?limit=5 TOO_MANY_REQUESTS") && $0.contains("ms") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("↻") && $0.contains("rate limited") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("← 200") && $0.contains("attempt 2") }, "\(lines)")
    }

    func testRedactorPatterns() {
        let r = Redactor()
        XCTAssertEqual(r.scrub("Authorization: Zoho-oauthtoken abc.def"), "Authorization: Zoho-oauthtoken <redacted>")
        XCTAssertEqual(r.scrub("grant_type=refresh_token&refresh_token=xyz&client_secret=s"),
                       "grant_type=refresh_token&refresh_token=<redacted>&client_secret=<redacted>")
        XCTAssertEqual(r.scrub(#"{"errorCode":"INVALID_DATA"}"#), #"{"errorCode":"INVALID_DATA"}"#)
    }
}
