import DeskCatalog
import Foundation
import JSONValue

/// The Zoho Desk client the shell and runbooks call: authenticated, scoped,
/// rate-limited, retried and logged requests for catalog operations.
///
/// Build one per connection and share it; it is safe to use from many tasks.
/// `callCount` is the number of requests sent to Desk (API credits spent,
/// retries included; OAuth calls excluded).
public final class DeskClient: Sendable {
    public let transport: Transport
    public let store: TokenStore
    public let options: DeskClientOptions
    public let tokens: TokenManager

    private let state: LockedBox<Connection>
    private let calls = LockedBox(0)
    private let limiterBox = LockedBox<ConcurrencyLimiter?>(nil)
    private let orgDiscovery = SingleFlight<String>()
    private let redactor: Redactor

    public init(connection: Connection, transport: Transport, store: TokenStore? = nil,
                options: DeskClientOptions = DeskClientOptions()) {
        self.transport = transport
        self.store = store ?? InMemoryTokenStore()
        self.options = options
        self.state = LockedBox(connection)
        self.redactor = Redactor(connection: connection)
        var settings = TokenManager.Settings()
        settings.refreshSkew = options.refreshSkew
        settings.lease = options.refreshLease
        settings.maxWait = options.refreshMaxWait
        settings.pollInterval = options.refreshPollInterval
        settings.clientCredentialScopes = options.clientCredentialScopes
        settings.now = options.now
        settings.sleep = options.sleep
        self.tokens = TokenManager(
            connection: connection, store: self.store,
            oauth: OAuthClient(accountsURL: connection.accountsURL, transport: transport, log: options.log,
                               redactor: redactor),
            settings: settings)
        if let limiter = options.limiter { limiterBox.mutate { $0 = limiter } }
    }

    /// The connection as it stands now (org discovered, api domain adopted).
    public var connection: Connection { state.get() }
    /// Requests sent to Desk so far.
    public var callCount: Int { calls.get() }

    // MARK: calling operations

    /// Calls one catalog operation. `path` fills the template (ids must be
    /// digit strings); `query` is sent as is (encoded); `body` as JSON.
    public func call(_ operation: DeskCatalog.Operation, path: [String: String] = [:], query: [String: String] = [:],
                     body: JSON? = nil) async throws -> DeskResult {
        let schemas = Dictionary(operation.parameters.filter { $0.location == .path }.map { ($0.name, $0.schema) },
                                 uniquingKeysWith: { a, _ in a })
        let concrete = try RequestPath.build(template: operation.path, parameters: path,
                                             schemaFor: { schemas[$0] }, operationId: operation.id)
        return try await send(method: operation.method, path: concrete, query: query, body: body,
                              operation: operation)
    }

    /// A request by concrete path ("/api/v1/tickets/123"), for the REPL and
    /// for operations the catalog does not know. The path is checked as
    /// strictly as template values: no "..", "?", "#", "%" or control characters.
    public func raw(method: String, path: String, query: [String: String] = [:], body: JSON? = nil) async throws -> DeskResult {
        let method = method.uppercased()
        guard ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) else {
            throw DeskError(kind: .invalidArgument, message: "unsupported HTTP method \(Quoted(method))")
        }
        try DeskClient.validateRawPath(path)
        let operation = options.operationResolver?(method, path)
        return try await send(method: method, path: path, query: query, body: body, operation: operation)
    }

    static func validateRawPath(_ path: String) throws {
        func refuse(_ why: String) -> DeskError {
            DeskError(kind: .invalidArgument, message: "path \(Quoted(path)) \(why)")
        }
        guard path.hasPrefix("/api/") else { throw refuse("must start with /api/") }
        for byte in path.utf8 where byte <= 0x20 || byte == 0x7F || "?#%\\".utf8.contains(byte) {
            throw refuse("contains a character not allowed in a path")
        }
        for segment in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            if segment.isEmpty || segment == "." || segment == ".." { throw refuse("has an empty, '.' or '..' segment") }
        }
    }

    // MARK: the request pipeline

    private struct Attempt {
        var number = 1
        var refreshedAfterRejection = false
        /// The token a 401 just refused; the next token must differ from it.
        var rejectedToken: Secret?
    }

    func send(method: String, path: String, query: [String: String], body: JSON?,
              operation: Operation?, files: [UploadFile] = []) async throws -> DeskResult {
        let operationId = operation?.id
        let requiresAuth = operation?.requiresAuth ?? true
        if options.checkScopes, requiresAuth, let operation {
            let granted = await tokens.scopes ?? connection.grantedScopes
            if let missing = ScopeCheck.missingScope(required: operation.scopes, granted: granted) {
                throw DeskError(kind: .missingScope, errorCode: "SCOPE_MISSING",
                                message: "the token was not granted any of \(operation.scopes.joined(separator: ", "))",
                                operationId: operationId,
                                hint: "Add \(missing) to the scopes and run `zdsh auth login` again.")
            }
        }
        for (name, value) in query {
            try HeaderValue.check("query parameter \(name)", value)
        }
        let orgId = try await orgHeader(for: path)
        let queryString = PercentEncoding.query(query)
        let pathAndQuery = queryString.isEmpty ? path : path + "?" + queryString
        let payload = try RequestPayload(json: body, files: files)
        let bodyBytes = payload?.bytes
        let idempotent = RetryPolicy.isIdempotent(method)
        let limiter = await self.limiter(orgId: orgId)

        var attempt = Attempt()
        var token: Secret?
        while true {
            if requiresAuth {
                do {
                    token = try await tokens.token(rejecting: attempt.rejectedToken).token
                    attempt.rejectedToken = nil
                } catch let error as OAuthError {
                    throw authenticationError(error, operationId: operationId)
                }
                await adoptTokenFacts()
            }
            var headers = [Header("Accept", "application/json"), Header("User-Agent", options.userAgent)]
            if let token {
                try HeaderValue.check("Authorization", token.reveal)
                headers.append(Header("Authorization", "Zoho-oauthtoken " + token.reveal))
            }
            if let orgId { headers.append(Header("orgId", orgId)) }
            if let payload { headers.append(Header("Content-Type", payload.contentType)) }
            let request = WireRequest(method: method, url: connection.apiURL + pathAndQuery, headers: headers, body: bodyBytes)

            let logPath = redactor.scrub(pathAndQuery)
            options.log.record(RequestEvent(phase: .request, method: method, path: logPath, attempt: attempt.number))
            let started = ContinuousClock.now
            let outcome: Result<WireResponse, Error>
            do {
                let response = try await limiter.withSlot {
                    self.calls.mutate { $0 += 1 }
                    return try await self.transport.send(request)
                }
                outcome = .success(response)
            } catch is CancellationError {
                throw CancellationError()
            } catch let error as DeskError where error.kind == .configuration {
                // A transport that cannot send at all (an offline backend):
                // nothing to retry, and its own message says why.
                throw error
            } catch {
                outcome = .failure(error)
            }
            let elapsed = ContinuousClock.now - started

            switch outcome {
            case .failure(let error):
                let reason = redactor.scrub(String(describing: error))
                if idempotent, attempt.number < options.retry.maxAttempts {
                    let wait = options.retry.delay(afterAttempt: attempt.number)
                    options.log.record(RequestEvent(phase: .retry, method: method, path: logPath, duration: elapsed,
                                                    note: "\(reason), waiting \(RequestEvent.format(wait))", attempt: attempt.number))
                    try await options.sleep(wait)
                    attempt.number += 1
                    continue
                }
                options.log.record(RequestEvent(phase: .failure, method: method, path: logPath, duration: elapsed,
                                                note: reason, attempt: attempt.number))
                throw DeskError(kind: .network, message: "no response from \(connection.apiURL): \(reason)",
                                operationId: operationId,
                                hint: idempotent ? "Gave up after \(attempt.number) attempt(s)."
                                    : "\(method) is not retried automatically: it may have taken effect. Check before repeating it.")

            case .success(let response):
                let code = (200..<300).contains(response.status) ? nil : ErrorDecoding.errorCode(response.body)
                options.log.record(RequestEvent(phase: .response, method: method, path: logPath, status: response.status,
                                                errorCode: code, duration: elapsed, attempt: attempt.number))
                if (200..<300).contains(response.status) {
                    return try decodeSuccess(response, operationId: operationId)
                }
                // An expired or revoked access token: refresh once and replay (any method: Zoho did nothing).
                if response.status == 401, requiresAuth, code == "INVALID_OAUTH" || code == nil,
                   !attempt.refreshedAfterRejection, !HTMLDetector.looksLikeHTML(String(decoding: response.body.prefix(256), as: UTF8.self)) {
                    attempt.refreshedAfterRejection = true
                    attempt.rejectedToken = token
                    options.log.record(RequestEvent(phase: .retry, method: method, path: logPath, status: 401, errorCode: code,
                                                    note: "access token refused, refreshing once", attempt: attempt.number))
                    continue
                }
                var error = ErrorDecoding.decode(response, operationId: operationId, apiURL: connection.apiURL,
                                                 dataCenter: connection.dataCenter, redactor: redactor)
                if response.status == 429 {
                    if error.kind == .dailyLimitExceeded { throw error }
                    let advised = RetryPolicy.retryAfter(response.header("Retry-After"))
                    if let advised, advised > options.retry.maxRetryAfter {
                        error.hint = "Zoho asks to wait \(RequestEvent.format(advised)) (Retry-After); not waiting that long."
                        throw error
                    }
                    if attempt.number < options.retry.maxAttempts {
                        let wait = advised ?? options.retry.delay(afterAttempt: attempt.number)
                        options.log.record(RequestEvent(phase: .retry, method: method, path: logPath, status: 429, errorCode: code,
                                                        note: "rate limited, waiting \(RequestEvent.format(wait))\(advised != nil ? " (Retry-After)" : "")",
                                                        attempt: attempt.number))
                        try await options.sleep(wait)
                        attempt.number += 1
                        continue
                    }
                    error.kind = .rateLimited
                    throw error
                }
                if response.status >= 500, idempotent, attempt.number < options.retry.maxAttempts {
                    let wait = options.retry.delay(afterAttempt: attempt.number)
                    options.log.record(RequestEvent(phase: .retry, method: method, path: logPath, status: response.status,
                                                    errorCode: code, note: "server error, waiting \(RequestEvent.format(wait))",
                                                    attempt: attempt.number))
                    try await options.sleep(wait)
                    attempt.number += 1
                    continue
                }
                if response.status >= 500, !idempotent, error.hint == nil {
                    error.hint = "\(method) is not retried automatically: it may have taken effect. Check before repeating it."
                }
                throw error
            }
        }
    }

    private func decodeSuccess(_ response: WireResponse, operationId: String?) throws -> DeskResult {
        if response.status == 204 || response.body.isEmpty { return .empty }
        let contentType = response.header("Content-Type")?.lowercased()
        let looksJSON = contentType.map { $0.contains("json") } ?? true
        if looksJSON || response.body.first == UInt8(ascii: "{") || response.body.first == UInt8(ascii: "[") {
            if let json = try? JSON.parse(response.body) { return .json(json) }
            if looksJSON, contentType != nil {
                let text = String(decoding: response.body.prefix(256), as: UTF8.self)
                if HTMLDetector.looksLikeHTML(text) {
                    throw ErrorDecoding.decode(response, operationId: operationId, apiURL: connection.apiURL,
                                               dataCenter: connection.dataCenter, redactor: redactor)
                }
                throw DeskError(kind: .malformedResponse, status: response.status,
                                message: "the response body is not valid JSON", operationId: operationId,
                                requestId: ErrorDecoding.requestId(response))
            }
        }
        if HTMLDetector.looksLikeHTML(String(decoding: response.body.prefix(256), as: UTF8.self)) {
            throw ErrorDecoding.decode(response, operationId: operationId, apiURL: connection.apiURL,
                                       dataCenter: connection.dataCenter, redactor: redactor)
        }
        return .binary(bytes: response.body, contentType: contentType)
    }

    private func authenticationError(_ error: OAuthError, operationId: String?) -> DeskError {
        DeskError(kind: .authentication, status: error.status, errorCode: error.code, message: error.explanation,
                  operationId: operationId, hint: error.detail.map { "Zoho said: \(redactor.scrub($0))" })
    }

    /// Moves to the data centre Zoho named in `api_domain`, once, and remembers it.
    private func adoptTokenFacts() async {
        guard let domain = await tokens.apiDomain, domain != connection.apiDomain else { return }
        let updated = state.mutate { c -> Connection in c.adopt(apiDomain: domain); return c }
        try? await store.update(profile: updated.profile, with: ProfileUpdate(
            apiDomain: updated.apiDomain, apiURL: updated.apiURL, dataCenter: updated.dataCenter))
    }

    private func limiter(orgId: String?) async -> ConcurrencyLimiter {
        if let existing = limiterBox.get() { return existing }
        let shared = await ConcurrencyLimiter.shared(forOrg: "\(connection.apiURL)#\(orgId ?? "-")",
                                                     limit: options.maxConcurrentCalls)
        return limiterBox.mutate { box in
            if box == nil { box = shared }
            return box!
        }
    }

    // MARK: organisation

    /// The orgId header value for a path: none for `/organizations` (Zoho
    /// refuses it there and it is how we discover the org); discovered once
    /// when the connection has none.
    private func orgHeader(for path: String) async throws -> String? {
        if path == "/api/v1/organizations" { return nil }
        if let org = connection.orgId {
            guard !org.isEmpty, org.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw DeskError(kind: .invalidArgument, message: "org id \(Quoted(org)) must be digits only",
                                hint: "Check --org / ZOHO_DESK_ORG_ID.")
            }
            return org
        }
        if path.hasPrefix("/api/v1/organizations") || path == "/api/v1/accessibleOrganizations" { return nil }
        guard options.discoverOrg else {
            throw DeskError(kind: .organization, message: "no Desk organisation id is configured",
                            hint: "Pass --org <id> or set ZOHO_DESK_ORG_ID.")
        }
        return try await orgDiscovery.run { [self] in
            let org = try await OrgResolver(client: self).defaultOrganization()
            state.mutate { $0.orgId = org.id }
            try? await store.update(profile: connection.profile, with: ProfileUpdate(orgId: org.id))
            return org.id
        }
    }

    /// Sets the org explicitly (`--org`, or after the user picked one).
    public func useOrganization(_ orgId: String) {
        state.mutate { $0.orgId = orgId }
    }

    /// Records discovered portal / help center in memory and in the store.
    func remember(_ update: ProfileUpdate) async {
        state.mutate { $0.apply(update) }
        try? await store.update(profile: connection.profile, with: update)
    }

    // MARK: pagination

    /// Pages of a list operation, fetched one at a time as the consumer asks
    /// (never more than one page held). Ends on 204, an empty or short page.
    public func pages(_ operation: DeskCatalog.Operation, path: [String: String] = [:], query: [String: String] = [:],
                      pageSize: Int? = nil) -> PageSequence {
        PageSequence(client: self, operation: operation, path: path, query: query, pageSize: pageSize)
    }
}
