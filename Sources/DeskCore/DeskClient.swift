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
    /// Whether the lowered-concurrency notice was printed (once per client).
    private let loweredNotice = LockedBox(false)
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

    /// One call, checked and ready to send (possibly several times).
    private struct Prepared: Sendable {
        let method: String
        let pathAndQuery: String
        let logPath: String
        let body: [UInt8]?
        /// The body's media type: JSON, or multipart/form-data for uploads.
        let contentType: String?
        let orgId: String?
        let operationId: String?
        let requiresAuth: Bool
        let limiter: ConcurrencyLimiter
    }

    private struct Attempt {
        var number = 1
        var tokenRefreshed = false
        /// The token a 401 just refused; the next token must differ from it.
        var rejectedToken: Secret?
    }

    func send(method: String, path: String, query: [String: String], body: JSON?,
              operation: Operation?, files: [UploadFile] = []) async throws -> DeskResult {
        let requiresAuth = operation?.requiresAuth ?? true
        if options.checkScopes, requiresAuth, let operation { try await checkScopes(operation) }
        for (name, value) in query {
            try HeaderValue.check("query parameter \(name)", value)
        }
        let orgId = try await orgHeader(for: path)
        let queryString = PercentEncoding.query(query)
        let pathAndQuery = queryString.isEmpty ? path : path + "?" + queryString
        let payload = try RequestPayload(json: body, files: files)
        let prepared = Prepared(method: method, pathAndQuery: pathAndQuery, logPath: redactor.scrub(pathAndQuery),
                                body: payload?.bytes, contentType: payload?.contentType, orgId: orgId, operationId: operation?.id,
                                requiresAuth: requiresAuth, limiter: await limiter(orgId: orgId))
        return try await sendWithRetries(prepared)
    }

    private func checkScopes(_ operation: Operation) async throws {
        let granted = await tokens.scopes ?? connection.grantedScopes
        if let missing = ScopeCheck.missingScope(required: operation.scopes, granted: granted) {
            throw DeskError(kind: .missingScope, errorCode: "SCOPE_MISSING",
                            message: "the token was not granted any of \(operation.scopes.joined(separator: ", "))",
                            operationId: operation.id,
                            hint: "Add \(missing) to the scopes and run `zdsh auth login` again.")
        }
    }

    /// The one send loop: send, let `RetryPolicy.decide` judge the outcome, act on it.
    private func sendWithRetries(_ call: Prepared) async throws -> DeskResult {
        var attempt = Attempt()
        while true {
            let token = try await currentToken(call, &attempt)
            let request = try wireRequest(call, token: token)
            options.log.record(RequestEvent(phase: .request, method: call.method, path: call.logPath, attempt: attempt.number))
            let (result, elapsed) = try await exchange(request, call)
            try chargeBody(result, call)
            let outcome = Self.outcome(of: result)
            logOutcome(outcome, result, call, elapsed: elapsed, attempt: attempt.number)
            switch options.retry.decide(outcome, attempt: attempt.number, method: call.method,
                                        requiresAuth: call.requiresAuth, tokenRefreshed: attempt.tokenRefreshed) {
            case .deliver:
                guard case .success(let response) = result else { throw failure(result, call, hint: nil, attempts: attempt.number) }
                try chargeParse(response, call)
                return try decodeSuccess(response, operationId: call.operationId)
            case .refreshToken:
                attempt.tokenRefreshed = true
                attempt.rejectedToken = token
                logRetry(call, outcome, note: "access token refused, refreshing once", elapsed: elapsed, attempt: attempt.number)
            case .retry(let wait, var note):
                if case .failure(let error) = result { note = redactor.scrub(String(describing: error)) }
                logRetry(call, outcome, note: "\(note), waiting \(RequestEvent.format(wait))", elapsed: elapsed, attempt: attempt.number)
                try await options.sleep(wait)
                attempt.number += 1
            case .fail(let hint):
                throw failure(result, call, hint: hint, attempts: attempt.number)
            }
        }
    }

    private func currentToken(_ call: Prepared, _ attempt: inout Attempt) async throws -> Secret? {
        guard call.requiresAuth else { return nil }
        let token: Secret
        do {
            token = try await tokens.token(rejecting: attempt.rejectedToken).token
        } catch let error as OAuthError {
            throw authenticationError(error, operationId: call.operationId)
        }
        attempt.rejectedToken = nil
        await adoptTokenFacts()
        return token
    }

    private func wireRequest(_ call: Prepared, token: Secret?) throws -> WireRequest {
        var headers = [Header("Accept", "application/json"), Header("User-Agent", options.userAgent)]
        if let token {
            try HeaderValue.check("Authorization", token.reveal)
            headers.append(Header("Authorization", "Zoho-oauthtoken " + token.reveal))
        }
        if let orgId = call.orgId { headers.append(Header("orgId", orgId)) }
        if let contentType = call.contentType { headers.append(Header("Content-Type", contentType)) }
        return WireRequest(method: call.method, url: connection.apiURL + call.pathAndQuery, headers: headers, body: call.body)
    }

    /// Sends once, holding one of the org's slots; a transport error is an
    /// outcome (retried or not by the policy), except cancellation and a
    /// transport that cannot send at all (an offline backend).
    private func exchange(_ request: WireRequest, _ call: Prepared) async throws -> (Result<WireResponse, Error>, Duration) {
        let started = ContinuousClock.now
        let result: Result<WireResponse, Error>
        do {
            let (response, lowered) = try await call.limiter.withSlot({
                self.calls.mutate { $0 += 1 }
                return try await self.transport.send(request)
            }, tooManyRequests: Self.isTooManyRequests)
            result = .success(response)
            if let lowered { announceLowered(lowered) }
        } catch is CancellationError {
            throw CancellationError()
        } catch let refused as ResponseTooLarge {
            // An answer came (its status is known): final, never retried.
            throw tooLarge(refused, call)
        } catch let error as DeskError where error.kind == .configuration {
            throw error
        } catch {
            result = .failure(error)
        }
        return (result, ContinuousClock.now - started)
    }

    // MARK: the run's memory

    /// A body the transport did not charge as it arrived (the simulator,
    /// a cassette) is charged whole before anything reads it.
    private func chargeBody(_ result: Result<WireResponse, Error>, _ call: Prepared) throws {
        guard case .success(let response) = result, !response.charged, let memory = ResponseBudget.current else { return }
        guard memory.take(response.body.count) else {
            throw tooLarge(ResponseTooLarge(status: response.status, bytes: response.body.count, allowed: memory.room ?? 0,
                                            memoryLimit: memory.limit), call)
        }
    }

    /// What parsing a JSON body will build is charged before it is built.
    private func chargeParse(_ response: WireResponse, _ call: Prepared) throws {
        guard let memory = ResponseBudget.current, !response.body.isEmpty else { return }
        let cost = ResponseBudget.parseCost(response.body)
        guard memory.take(cost) else {
            throw tooLarge(ResponseTooLarge(status: response.status, bytes: response.body.count, allowed: memory.room ?? 0,
                                            memoryLimit: memory.limit), call)
        }
    }

    private func tooLarge(_ refused: ResponseTooLarge, _ call: Prepared) -> DeskError {
        let limit = refused.memoryLimit.map { "the memory limit of \($0 >> 20) MB (raise it with --max-memory)" }
            ?? "the client's limit of \(refused.allowed >> 20) MB per response"
        options.log.record(RequestEvent(phase: .failure, method: call.method, path: call.logPath, status: refused.status,
                                        note: "response of \(refused.bytes) bytes refused", attempt: 1))
        return DeskError(kind: .responseTooLarge, status: refused.status,
                         message: "the response (HTTP \(refused.status), \(refused.bytes) bytes or more) does not fit in \(limit)",
                         operationId: call.operationId,
                         hint: (200..<300).contains(refused.status) ? "Zoho answered \(refused.status): the call took effect." : nil)
    }

    private static func outcome(of result: Result<WireResponse, Error>) -> AttemptOutcome {
        guard case .success(let response) = result else { return .noResponse }
        let success = (200..<300).contains(response.status)
        return .response(status: response.status,
                         errorCode: success ? nil : ErrorDecoding.errorCode(response.body),
                         retryAfter: RetryPolicy.retryAfter(response.header("Retry-After")),
                         isHTML: !success && HTMLDetector.looksLikeHTML(String(decoding: response.body.prefix(256), as: UTF8.self)))
    }

    /// 429 TOO_MANY_REQUESTS: more calls at once than the org allows (not
    /// THRESHOLD_EXCEEDED, the spent credits, which concurrency cannot help).
    private static let isTooManyRequests: @Sendable (WireResponse) -> Bool = { response in
        response.status == 429 && ErrorDecoding.errorCode(response.body) != "THRESHOLD_EXCEEDED"
    }

    /// Says once per client, on the run's stderr, that sustained 429s
    /// lowered the concurrency for the rest of the run.
    private func announceLowered(_ change: (from: Int, to: Int)) {
        let first = loweredNotice.mutate { said -> Bool in defer { said = true }; return !said }
        guard first else { return }
        options.notice("Zoho kept answering 429 TOO_MANY_REQUESTS: concurrency lowered from \(change.from) to \(change.to) "
                       + "for the rest of this run (set it with --concurrency, ZDSH_CONCURRENCY or `zdsh auth login --concurrency`).")
    }

    private func logOutcome(_ outcome: AttemptOutcome, _ result: Result<WireResponse, Error>, _ call: Prepared,
                            elapsed: Duration, attempt: Int) {
        guard case .success(let response) = result, case .response(_, let code, _, _) = outcome else { return }
        options.log.record(RequestEvent(phase: .response, method: call.method, path: call.logPath, status: response.status,
                                        errorCode: code, duration: elapsed, attempt: attempt))
    }

    private func logRetry(_ call: Prepared, _ outcome: AttemptOutcome, note: String, elapsed: Duration, attempt: Int) {
        var status: Int?, code: String?
        if case .response(let s, let c, _, _) = outcome { status = s; code = c }
        options.log.record(RequestEvent(phase: .retry, method: call.method, path: call.logPath, status: status,
                                        errorCode: code, duration: elapsed, note: note, attempt: attempt))
    }

    /// The error a final outcome is thrown as.
    private func failure(_ result: Result<WireResponse, Error>, _ call: Prepared, hint: String?, attempts: Int) -> Error {
        switch result {
        case .failure(let error):
            let reason = redactor.scrub(String(describing: error))
            options.log.record(RequestEvent(phase: .failure, method: call.method, path: call.logPath,
                                            note: reason, attempt: attempts))
            return DeskError(kind: .network, message: "no response from \(connection.apiURL): \(reason)",
                             operationId: call.operationId, hint: hint)
        case .success(let response):
            var error = ErrorDecoding.decode(response, operationId: call.operationId, apiURL: connection.apiURL,
                                             dataCenter: connection.dataCenter, redactor: redactor, now: options.now())
            // Our hint says what the retry rules did; Zoho-specific advice (a wrong data centre) stays first.
            if let hint { error.hint = error.hint.map { "\($0) \(hint)" } ?? hint }
            return error
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
                                               dataCenter: connection.dataCenter, redactor: redactor, now: options.now())
                }
                throw DeskError(kind: .malformedResponse, status: response.status,
                                message: "the response body is not valid JSON", operationId: operationId,
                                requestId: ErrorDecoding.requestId(response))
            }
        }
        if HTMLDetector.looksLikeHTML(String(decoding: response.body.prefix(256), as: UTF8.self)) {
            throw ErrorDecoding.decode(response, operationId: operationId, apiURL: connection.apiURL,
                                       dataCenter: connection.dataCenter, redactor: redactor, now: options.now())
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
            state.mutate { $0.orgId = org.id; $0.edition = org.edition ?? $0.edition }
            // The edition sets the next runs' concurrency when nothing else does.
            try? await store.update(profile: connection.profile, with: ProfileUpdate(orgId: org.id, edition: org.edition))
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
