import DeskCatalog
@testable import DeskCore
import Foundation
import JSONValue
import XCTest

/// A scripted transport: a handler answers each request; every request is
/// recorded. Token endpoint calls are counted apart from Desk calls.
final class FakeTransport: Transport, @unchecked Sendable {
    typealias Handler = @Sendable (WireRequest) async throws -> WireResponse
    private let lock = NSLock()
    private var recorded: [WireRequest] = []
    private let handler: Handler

    init(_ handler: @escaping Handler) { self.handler = handler }

    func send(_ request: WireRequest) async throws -> WireResponse {
        lock.withLock { recorded.append(request) }
        return try await handler(request)
    }

    var requests: [WireRequest] { lock.withLock { recorded } }
    var deskRequests: [WireRequest] { requests.filter { !$0.url.contains("/oauth/") } }
    var tokenRequests: [WireRequest] { requests.filter { $0.url.contains("/oauth/v2/token") && !$0.url.hasSuffix("/revoke") } }
}

/// Answers token requests with fresh tokens, counting them; Desk requests go to `desk`.
final class FakeZoho: @unchecked Sendable {
    let lock = NSLock()
    var tokensIssued = 0
    var tokenDelay: Duration = .zero
    var tokenAnswer: (@Sendable (Int) -> WireResponse)?
    var desk: @Sendable (WireRequest) async throws -> WireResponse

    init(desk: @escaping @Sendable (WireRequest) async throws -> WireResponse = { _ in .json(["ok": true]) }) {
        self.desk = desk
    }

    lazy var transport: FakeTransport = FakeTransport { [self] request in
        if request.url.contains("/oauth/v2/token") {
            if request.url.hasSuffix("/revoke") { return .json(["status": "success"]) }
            let n = self.lock.withLock { () -> Int in self.tokensIssued += 1; return self.tokensIssued }
            if self.tokenDelay > .zero { try await Task.sleep(for: self.tokenDelay) }
            if let answer = self.tokenAnswer { return answer(n) }
            return .json(["access_token": .string("1000.access\(n)"), "expires_in": 3600,
                          "api_domain": "https://www.zohoapis.com", "token_type": "Bearer"])
        }
        return try await self.desk(request)
    }

    var issued: Int { lock.withLock { tokensIssued } }
}

extension WireResponse {
    static func json(_ value: JSON, status: Int = 200, headers: [Header] = []) -> WireResponse {
        WireResponse(status: status, headers: [Header("Content-Type", "application/json")] + headers,
                     body: value.encodedBytes())
    }
    static func error(_ status: Int, _ code: String, _ message: String = "failed", headers: [Header] = []) -> WireResponse {
        .json(["errorCode": .string(code), "message": .string(message)], status: status, headers: headers)
    }
    static let noContent = WireResponse(status: 204)
}

extension WireRequest {
    var path: String { URLComponents(string: url)?.percentEncodedPath ?? url }
    var queryItems: [String: String] {
        Dictionary((URLComponents(string: url)?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
    }
    var bodyText: String { String(decoding: body ?? [], as: UTF8.self) }
}

/// Records requested sleeps instead of sleeping.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Duration] = []
    var sleeps: [Duration] { lock.withLock { recorded } }
    var sleep: @Sendable (Duration) async throws -> Void {
        { [self] d in lock.withLock { recorded.append(d) } }
    }
}

enum Fixtures {
    static let clientSecret = "SEKRET-client-9f8e7d6c5b4a"
    // Shaped like Zoho tokens (so the redactor's pattern applies) but one digit short of a real one.
    static let refreshToken = "1000.feedfacefeedface0123456789abcde.0123456789abcdef0123456789abcde"
    static let accessToken = "1000.cafebabecafebabe0123456789abcde.fedcba9876543210fedcba987654321"

    static func connection(orgId: String? = "60001234", accessToken: String? = Fixtures.accessToken,
                           expiresIn: TimeInterval = 3600, scopes: [String]? = nil,
                           profile: String = "default") -> Connection {
        Connection(profile: profile, dc: .com, clientId: "1000.CLIENTID", clientSecret: clientSecret,
                   refreshToken: refreshToken, accessToken: accessToken,
                   accessTokenExpiry: accessToken == nil ? nil : Date().addingTimeInterval(expiresIn),
                   grantedScopes: scopes, orgId: orgId)
    }

    static func op(_ id: String = "getThing", method: String = "GET", path: String = "/api/v1/things",
                   scopes: [String] = ["Desk.tickets.READ"], envelope: Envelope = .object, maxPageSize: Int? = nil,
                   parameters: [Parameter] = []) -> DeskCatalog.Operation {
        DeskCatalog.Operation(id: id, group: "Test", method: method, path: path, parameters: parameters, body: nil,
                              scopes: scopes, successCodes: [200, 204], envelope: envelope, maxPageSize: maxPageSize,
                              safety: method == "GET" ? .read : .write)
    }

    static func client(_ zoho: FakeZoho, connection: Connection = Fixtures.connection(),
                       store: TokenStore? = nil, attempts: Int = 4,
                       configure: (inout DeskClientOptions) -> Void = { _ in }) -> DeskClient {
        var options = DeskClientOptions.fast(attempts: attempts)
        options.limiter = ConcurrencyLimiter(limit: 10)
        configure(&options)
        return DeskClient(connection: connection, transport: zoho.transport, store: store, options: options)
    }

    static func tempDir() -> String {
        let dir = NSTemporaryDirectory() + "zdsh-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

func XCTAssertThrowsDeskError<T>(_ body: @autoclosure () async throws -> T, file: StaticString = #filePath,
                                  line: UInt = #line, _ check: (DeskError) -> Void = { _ in }) async {
    do {
        _ = try await body()
        XCTFail("expected a DeskError", file: file, line: line)
    } catch let error as DeskError {
        check(error)
    } catch {
        XCTFail("expected a DeskError, got \(error)", file: file, line: line)
    }
}
