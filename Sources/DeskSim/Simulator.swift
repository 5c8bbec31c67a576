import DeskCatalog
import DeskCore
import Foundation
import JSONValue

/// One handled request, for scenario tests' assertions.
public struct SimLogEntry: Sendable, Hashable {
    public let method: String
    public let path: String
    /// HTTP status, or 0 when the connection was reset.
    public let status: Int
    /// The catalog operation, when the path matched one (nil for OAuth and 404s).
    public let operationId: String?
    public let orgId: String?
    /// The request's Content-Type ("multipart/form-data; boundary=…" for uploads).
    public var contentType: String? = nil
}

public struct SimStats: Sendable, Hashable {
    public var requests: Int
    public var creditsUsed: Int
    public var peakInFlight: Int
    public var refreshes: Int
    public var faultsInjected: Int
}

/// What the simulator did with a request: answered it, or dropped the connection.
public enum SimOutcome: Sendable {
    case response(WireResponse)
    case connectionReset
}

/// A simulated Zoho Desk: OAuth token endpoint, stateful resources, catalog
/// validation for everything else, limits and fault injection. Thread-safe: one
/// lock guards all state, taken twice per request (admission, then handling);
/// latency is slept outside it so concurrent requests really overlap.
///
/// Two faces share `handle(_:)`: `SimTransport` (in-process) and `SimServer` (HTTP).
///
/// `@unchecked Sendable`: every mutable field (and the `SimState` and
/// `OAuthServer` objects) is touched only inside `locked`, or in the
/// helpers marked "Call with the lock held", which only `locked` bodies
/// call. Not yet a `Mutex<State>`: the helpers that run under the lock
/// would all have to take the state as an argument (left for later).
public final class Simulator: @unchecked Sendable {
    public static let defaultClientId = "1000.SIMCLIENT00000000000000000000"
    public static let defaultClientSecret = "sim-client-secret"

    public struct Configuration: Sendable {
        /// Where the Desk API is said to live (`api_domain` in token responses).
        public var apiURL = "https://desk.zoho.sim"
        public var accountsURL = "https://accounts.zoho.sim"
        /// Simultaneous in-flight requests per organisation (Enterprise: 25).
        public var concurrencyLimit = 25
        /// Daily credit pool per organisation (Enterprise base: 100,000).
        public var dailyCredits = 100_000
        /// Seed of the generator behind probabilistic faults and latency jitter.
        public var seed: UInt64 = 42
        public var latency = Latency()
        /// Access tokens one refresh token may mint per 10 minutes (Zoho: 10);
        /// nil lifts the limit.
        public var tokensPerWindow: Int? = 10
        /// Oldest log entries are dropped beyond this.
        public var requestLogLimit = 10_000
        public init() {}
    }

    public let clock: any SimClock
    let catalog: Catalog
    private let lock = NSLock()
    private var store = SimState()
    /// The fixture not yet applied to `store`: built at the first use of the
    /// state, so a `--sim` run that makes no call never pays for it (3–5 ms).
    private var unapplied: (Fixture, Date)?
    private let oauth: OAuthServer
    private var faults: FaultPlan
    private var limits = Limits()
    private var log = RequestLog(limit: 10_000)
    private var requests = 0
    private var faultsInjected = 0
    private var config: Configuration

    public init(fixture: Fixture = .demo, clock: any SimClock = SystemClock(), configuration: Configuration = Configuration(),
                catalog: Catalog = .shared) {
        self.clock = clock
        self.catalog = catalog
        self.config = configuration
        self.oauth = OAuthServer(apiDomain: configuration.apiURL)
        oauth.throttle.limit = configuration.tokensPerWindow
        self.faults = FaultPlan(seed: configuration.seed)
        self.log = RequestLog(limit: configuration.requestLogLimit)
        faults.latency = configuration.latency
        limits.concurrency = configuration.concurrencyLimit
        limits.dailyCredits = configuration.dailyCredits
        unapplied = (fixture, clock.now())
        // Without a known org id the state is needed at once (for `orgId`).
        if fixture.defaultOrgId == nil { locked {} }
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        applyFixture()
        return try body()
    }

    /// Builds the state from the fixture, as of the clock's time at `init`.
    /// Call with the lock held.
    private func applyFixture() {
        guard let (fixture, now) = unapplied else { return }
        unapplied = nil
        // A broken built-in or generated fixture is a programming error.
        try! fixture.apply(to: store, now: now)
        assert(fixture.defaultOrgId == nil || fixture.defaultOrgId == store.defaultOrgId, "fixture's org id")
    }

    // MARK: identity and URLs

    /// The default organisation's id (a digit string).
    public var orgId: String {
        lock.lock()
        defer { lock.unlock() }
        if let (fixture, _) = unapplied, let id = fixture.defaultOrgId { return id }
        applyFixture()
        return store.defaultOrgId
    }
    public var apiURL: String { locked { config.apiURL } }
    public var accountsURL: String { locked { config.accountsURL } }
    public var clientId: String { Self.defaultClientId }
    public var clientSecret: String { Self.defaultClientSecret }

    /// Points both base URLs (and `api_domain`) somewhere else, e.g. the HTTP server's address.
    public func setBaseURL(api: String, accounts: String? = nil) {
        locked {
            config.apiURL = api
            config.accountsURL = accounts ?? api
            oauth.apiDomain = api
        }
    }

    /// Every scope any catalog operation asks for, as `.ALL` grants: a token with
    /// these can call anything.
    public var allScopes: [String] {
        let groups = Set(catalog.scopes.map { s -> String in
            let parts = s.split(separator: ".")
            return parts.dropLast().joined(separator: ".") + ".ALL"
        })
        return groups.sorted()
    }

    /// A ready access token (1 hour by the simulator's clock). nil scopes = all.
    public func issueToken(scopes: [String]? = nil) -> String {
        let s = scopes ?? allScopes
        return locked { oauth.issueAccessToken(scopes: s, now: clock.now()) }
    }

    /// A refresh token for the default client (what a stored login holds).
    public func issueRefreshToken(scopes: [String]? = nil) -> String {
        let s = scopes ?? allScopes
        return locked { oauth.issueRefreshToken(scopes: s) }
    }

    /// A single-use grant code (3 minutes unless told) for `grant_type=authorization_code`.
    public func issueGrantCode(scopes: [String]? = nil, lifetime: TimeInterval = 180) -> String {
        let s = scopes ?? allScopes
        return locked { oauth.issueGrantCode(scopes: s, now: clock.now(), lifetime: lifetime) }
    }

    public func addClient(id: String, secret: String, redirectURI: String? = nil) {
        locked { oauth.addClient(id: id, secret: secret, redirectURI: redirectURI) }
    }

    /// Successful refresh-token grants so far.
    public var refreshCount: Int { locked { oauth.refreshCount } }
    /// Refresh-token grants refused as too many ("Access Denied").
    public var throttledRefreshCount: Int { locked { oauth.throttledCount } }

    /// Expires every access token now (refresh tokens stay valid).
    public func expireTokens() { locked { oauth.expireAll(now: clock.now()) } }

    // MARK: state

    /// Upserts records and relations (see `StateIO` for the format).
    public func seed(_ json: JSON) throws { try locked { try StateIO.load(json, into: store, now: UTCTimestamp.milliseconds(from: clock.now())) } }

    /// Throws the state away and loads `fixture`.
    public func reset(_ fixture: Fixture = .demo) throws {
        let fresh = SimState()
        try fixture.apply(to: fresh, now: clock.now())
        lock.lock()
        defer { lock.unlock() }
        unapplied = nil
        store = fresh
    }

    /// The whole state, per resource, in the fixture format (internal `_` keys included).
    public func state() -> JSON { locked { StateIO.dump(store) } }

    /// All records of one resource ("tickets", "labels", "labelUsers", …) of an org (default org if nil).
    public func resource(_ name: String, orgId: String? = nil) -> [JSON] {
        locked {
            if name == "organizations" { return store.organizations.all().map { .object($0) } }
            guard let org = store.org(orgId ?? store.defaultOrgId) else { return [] }
            if OrgState.relationNames[name] != nil { return StateIO.dumpOrg(org)[name]?.arrayValue ?? [] }
            return org.tables[name]?.all().map { .object($0) } ?? []
        }
    }

    // MARK: faults and limits

    public func addFault(_ rule: FaultRule) { locked { faults.rules.append(rule) } }

    /// Fail the next `times` requests for `op` (nil = any operation) with `status`.
    public func fail(op: String? = nil, status: Int, times: Int = 1, errorCode: String? = nil) {
        addFault(FaultRule(operation: op, kind: .status(status, errorCode: errorCode), times: times))
    }

    /// Fail each request for `op` with `status` with this probability (seeded).
    public func fail(op: String? = nil, status: Int, probability: Double, errorCode: String? = nil) {
        addFault(FaultRule(operation: op, kind: .status(status, errorCode: errorCode), times: nil, probability: probability))
    }

    /// Drop the connection for the next `times` requests for `op`.
    public func resetConnection(op: String? = nil, times: Int = 1) {
        addFault(FaultRule(operation: op, kind: .connectionReset, times: times))
    }

    public func resetConnection(op: String? = nil, probability: Double) {
        addFault(FaultRule(operation: op, kind: .connectionReset, times: nil, probability: probability))
    }

    /// Expire the caller's token on its next `times` requests for `op` (answering 401).
    public func expireToken(op: String? = nil, times: Int = 1) {
        addFault(FaultRule(operation: op, kind: .expireToken, times: times))
    }

    public func clearFaults() { locked { faults.rules.removeAll() } }

    public func setLatency(ms: Int, jitterMs: Int = 0) { locked { faults.latency = Latency(fixedMs: ms, jitterMs: jitterMs) } }

    public var requestLog: [SimLogEntry] { locked { log.entries } }
    public func clearRequestLog() { locked { log.clear() } }

    public var stats: SimStats {
        locked {
            SimStats(requests: requests, creditsUsed: limits.totalCreditsUsed, peakInFlight: limits.peakInFlight,
                     refreshes: oauth.refreshCount, faultsInjected: faultsInjected)
        }
    }

    /// The in-process transport over this simulator.
    public var transport: SimTransport { SimTransport(self) }

    // MARK: the request pipeline

    private enum Admission {
        case reject(Reply, orgId: String?)
        case admitted(orgId: String, delay: UInt64, fault: FaultKind?)
    }

    /// Answers one request. Order of checks: OAuth endpoint, route (404/405),
    /// token (401), scope (403), orgId, concurrency and credits (429), injected
    /// faults, validation (422), then the stateful handler or a synthesised reply.
    /// `delay` waits out the added latency (the HTTP server's is a timer).
    public func handle(_ wire: WireRequest) async -> SimOutcome { await handle(wire, delay: .taskSleep) }

    package func handle(_ wire: WireRequest, delay wait: SimDelay) async -> SimOutcome {
        let req = SimRequest(wire)
        if req.path.hasPrefix("/oauth/") { return .response(handleOAuth(req)) }

        guard let match = catalog.match(method: req.method, path: req.path) else {
            let error: SimError = catalog.operations(forPath: req.path).isEmpty ? .notFound : .methodNotAllowed
            return .response(finish(req, nil, nil, admitted: false, error.reply))
        }
        let op = match.operation
        switch admit(req, op) {
        case .reject(let reply, let org):
            return .response(finish(req, op, org, admitted: false, reply))
        case .admitted(let org, let delay, let fault):
            if delay > 0 { await wait(delay) }
            switch fault {
            case .connectionReset?:
                locked { limits.finish(org: org); record(req, op, org, status: 0) }
                return .connectionReset
            case .status(let status, let code)?:
                let e = SimError(status: status, code: code ?? SimError.code(forStatus: status), message: "Injected fault.")
                return .response(finish(req, op, org, admitted: true, documented(e, op).reply))
            case .expireToken?:
                locked { oauth.expire(authorization: req.header("Authorization"), now: clock.now()) }
                return .response(finish(req, op, org, admitted: true, SimError.invalidOAuth.reply))
            case .ignoreFrom?:
                var ignoring = req
                ignoring.query["from"] = nil
                let (reply, unmodelled) = process(ignoring, match, org: org)
                return .response(finish(req, op, org, admitted: true, reply, unmodelled: unmodelled))
            case nil:
                let (reply, unmodelled) = process(req, match, org: org)
                return .response(finish(req, op, org, admitted: true, reply, unmodelled: unmodelled))
            }
        }
    }

    private func handleOAuth(_ req: SimRequest) -> WireResponse {
        var params = req.query
        if let body = req.body, !body.isEmpty, !(req.header("Content-Type") ?? "").contains("json") {
            for (k, v) in SimRequest.parseForm(String(decoding: body, as: UTF8.self)) { params[k] = v }
        }
        let reply = locked { oauth.handle(method: req.method, path: req.path, params: params, now: clock.now()) }
            ?? SimError.notFound.reply
        return finish(req, nil, nil, admitted: false, reply)
    }

    /// Orgless endpoints: the organisation list and the ones addressing an organisation by path.
    private static func needsOrgId(_ op: DeskCatalog.Operation) -> Bool {
        !(op.path.hasPrefix("/api/v1/organizations") || op.path.hasPrefix("/api/v1/accessibleOrganizations"))
    }

    private func admit(_ req: SimRequest, _ op: DeskCatalog.Operation) -> Admission {
        let given = req.header("orgId") ?? req.query["orgId"]
        return locked {
            let now = clock.now()
            if op.requiresAuth {
                guard let token = oauth.validate(authorization: req.header("Authorization"), now: now) else {
                    return .reject(SimError.invalidOAuth.reply, orgId: given)
                }
                guard ScopeCheck.covers(token.scopes, op.scopes) else { return .reject(SimError.scopeMismatch.reply, orgId: given) }
            }
            let org: String
            if Self.needsOrgId(op) {
                guard let g = given, !g.isEmpty else {
                    return .reject(SimError.invalid(field: "orgId", "missing", "The orgId header is required").reply, orgId: nil)
                }
                guard RequestValidator.isDigits(g) else {
                    return .reject(SimError.invalid(field: "orgId", "invalid", "orgId must be a numeric id").reply, orgId: g)
                }
                guard store.org(g) != nil else { return .reject(SimError.orgMismatch.reply, orgId: g) }
                org = g
            } else {
                org = given.flatMap { store.org($0) != nil ? $0 : nil } ?? store.defaultOrgId
            }
            if let limit = limits.admit(org: org, cost: 1, now: now) { return .reject(limit.reply, orgId: org) }
            let fault = faults.draw(operationId: op.id)
            if fault != nil { faultsInjected += 1 }
            return .admitted(orgId: org, delay: faults.delayNanos(), fault: fault)
        }
    }

    /// The answer, and the request's parameters it did not model (`["*"]` first
    /// when the whole answer was built from the schema rather than stored records).
    private func process(_ req: SimRequest, _ match: PathMatch, org orgId: String) -> (Reply, unmodelled: [String]) {
        let op = match.operation
        var body: JSON?
        if op.takesFiles {
            switch UploadIntake.read(req, op) {
            case .failure(let e): return (documented(e, op).reply, [])
            case .success(let form): body = form
            }
        } else if let raw = req.body, !raw.isEmpty, op.body?.contentType.contains("json") ?? true {
            body = try? JSON.parse(raw)
        }
        if let error = RequestValidator.validate(op, pathParameters: match.pathParameters, query: req.query,
                                                 body: body, rawBody: req.body) {
            return (error.reply, [])
        }
        return locked {
            guard let org = store.org(orgId) else { return (SimError.orgMismatch.reply, []) }
            guard let handler = HandlerRegistry.all[op.id] else {
                if PathResources.missing(match.pathParameters, template: op.path, in: org, state: store) != nil { return (SimError.notFound.reply, []) }
                let reply = Synthesizer.reply(Synthesizer.Input(op: op, pathParameters: match.pathParameters, body: body,
                                                                timestamp: UTCTimestamp.milliseconds(from: clock.now()),
                                                                newId: store.newId,
                                                                massActionFails: { MassActionTargets.fails($0, operationId: op.id, in: org) }))
                return (reply, [QueryUse.wholeAnswer] + QueryUse().unmodelled(given: req.query.keys))
            }
            let ctx = Ctx(state: store, org: org, op: op, params: match.pathParameters, query: req.query, body: body, now: clock.now())
            ctx.use.honour(QueryModel.handledByHandler[op.id] ?? [])
            do { return (shaped(try handler(ctx), op, query: req.query), ctx.use.unmodelled(given: req.query.keys)) } catch let e as SimError {
                return (documented(e, op).reply, [])
            } catch {
                return (SimError(status: 500, code: "INTERNAL_SERVER_ERROR", message: "\(error)").reply, [])
            }
        }
    }

    /// A handler's JSON success answer, fitted to the documented schema (see `ResponseShaper`).
    /// Call with the lock held.
    private func shaped(_ reply: Reply, _ op: DeskCatalog.Operation, query: [String: String]) -> Reply {
        let schemaOperation = ResponseQuirks.includedListView(op.id, query: query) ?? op.id
        guard case .json(let value, let status) = reply, (200..<300).contains(status),
              let schema = ResponseSchemas.shared.schema(schemaOperation, status: status) else { return reply }
        let instance = SchemaInstance(newId: store.newId, timestamp: UTCTimestamp.milliseconds(from: clock.now()))
        return .json(ResponseShaper(instance: instance).shape(value, schema), status: status)
    }

    /// A handler's error as the operation documents it: where its schema for that status
    /// requires `errors[]` (271 operations' 422), an error raised without field details
    /// gets one entry for the whole request.
    private func documented(_ e: SimError, _ op: DeskCatalog.Operation) -> SimError {
        guard e.errors.isEmpty, let schema = ResponseSchemas.shared.schema(op.id, status: e.status),
              schema.requiredProperties.contains("errors") else { return e }
        var out = e
        out.errors = [FieldError(fieldName: "/", errorType: "invalid", errorMessage: e.message)]
        return out
    }

    private func finish(_ req: SimRequest, _ op: DeskCatalog.Operation?, _ org: String?, admitted: Bool, _ reply: Reply,
                        unmodelled: [String] = []) -> WireResponse {
        var wire = reply.wire
        // Only answers that were meant to be right say what they made up.
        if !unmodelled.isEmpty, (200..<300).contains(wire.status) {
            wire.headers.append(Header(QueryUse.header, unmodelled.joined(separator: ",")))
        }
        locked {
            if admitted, let org { limits.finish(org: org) }
            record(req, op, org, status: wire.status)
        }
        return wire
    }

    /// Call with the lock held.
    private func record(_ req: SimRequest, _ op: DeskCatalog.Operation?, _ org: String?, status: Int) {
        requests += 1
        log.append(SimLogEntry(method: req.method, path: req.path, status: status, operationId: op?.id, orgId: org,
                               contentType: req.header("Content-Type")))
    }
}

/// A bounded log: a ring buffer, so a long benchmark run costs O(1) per request.
struct RequestLog {
    let limit: Int
    private var buffer: [SimLogEntry] = []
    private var start = 0

    init(limit: Int) { self.limit = limit }

    mutating func append(_ e: SimLogEntry) {
        guard limit > 0 else { return }
        if buffer.count < limit { buffer.append(e); return }
        buffer[start] = e
        start = (start + 1) % limit
    }

    var entries: [SimLogEntry] { Array(buffer[start...] + buffer[..<start]) }

    mutating func clear() { buffer.removeAll(); start = 0 }
}
