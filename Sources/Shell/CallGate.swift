import DeskCatalog
import DeskCore
import Foundation
import JSONValue
import LuaHost

/// The one way from Lua to Zoho Desk. Every binding, alias, `desk.api.*`
/// and `desk.request` call comes here, in Swift, at call time: validation,
/// the destructive-call policy, blast-radius caps, confirmation, dry-run,
/// audit and the call record all happen before the client sends anything,
/// whichever Lua path (pcall, coroutine, callback) led here.
public final class CallGate: @unchecked Sendable {
    public struct Settings: Sendable {
        public var dryRun = false
        /// Stop before call number maxCalls + 1 (nil = no cap).
        public var maxCalls: Int?
        /// Stop before destructive call number maxDestructive + 1.
        public var maxDestructive: Int = 25
        /// Asked once before the first destructive call; nil = no prompt needed
        /// (`--yes`, or tests). Returns false to refuse.
        public var confirm: (@Sendable (PreparedCall) -> Bool)?
        /// Interactive sessions (the REPL): asked before each destructive call
        /// that nothing grants, with a description of the call; "yes" lets
        /// that one call through. Nil: such calls are denied.
        public var askWhenUngranted: (@Sendable (String) -> Bool)?
        /// Fields copied into every audit record (run id, operator, profile,
        /// org, runbook path and sha256, parameters).
        public var auditContext: [String: JSON] = [:]
        public init() {}
    }

    public let client: DeskClient
    public var policy: Policy
    public var settings: Settings
    public let audit: AuditLog?
    public var journal: Journal?
    weak var host: LuaHost?

    private let lock = NSLock()
    private var records: [CallRecord] = []
    private var confirmed = false
    private(set) var destructiveCount = 0
    private(set) var callCount = 0

    public init(client: DeskClient, policy: Policy, settings: Settings = Settings(), audit: AuditLog? = nil) {
        self.client = client; self.policy = policy; self.settings = settings; self.audit = audit
    }

    // MARK: - Records

    public var calls: [CallRecord] { lock.lock(); defer { lock.unlock() }; return records }
    public var deniedCount: Int { calls.filter { $0.outcome == .denied }.count }

    private func record(_ call: PreparedCall, _ outcome: CallRecord.Outcome, message: String? = nil) -> Int {
        lock.lock(); defer { lock.unlock() }
        let seq = records.count + 1
        records.append(CallRecord(sequence: seq, operationId: call.operation.id, calledAs: call.calledAs,
                                  method: call.operation.method, path: concretePath(call.operation.path, call.path),
                                  query: call.query, body: call.body, ids: call.ids, safety: call.operation.safety,
                                  outcome: outcome, status: nil, errorCode: nil, message: message, durationMs: nil))
        return seq
    }

    private func update(_ seq: Int, _ change: (inout CallRecord) -> Void) {
        lock.lock(); defer { lock.unlock() }
        change(&records[seq - 1])
    }

    public func resetRecords() {
        lock.lock(); records.removeAll(); lock.unlock()
    }

    // MARK: - Entry points (called on the Lua thread)

    func callBinding(_ name: String, _ arguments: [JSON]) throws -> HostResult {
        guard let binding = FriendlyNames.binding(named: name) else { throw HostError("no binding named \(name)") }
        if let message = binding.alias?.unsupported { throw HostError("\(name): \(message)") }
        guard let op = Catalog.shared.operation(id: binding.operationId) else {
            throw HostError("\(name): operation \(binding.operationId) is missing from the catalog")
        }
        return try invoke(try ArgumentBinder.bind(binding: binding, operation: op, arguments: arguments))
    }

    func callOperation(_ id: String, _ table: JSON) throws -> HostResult {
        guard let op = Catalog.shared.operation(id: id) else { throw HostError("desk.api has no operation \(id)") }
        return try invoke(try ArgumentBinder.bind(operation: op, table: table))
    }

    func request(method: String, path: String, options: JSON) throws -> HostResult {
        let method = method.uppercased()
        let bare = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        var query: [String: String] = [:]
        if case .object(let q)? = options["query"] {
            for (k, v) in q { query[k] = ArgumentBinder.scalarString(v) ?? v.encoded() }
        }
        let body = options["body"]
        if let match = Catalog.shared.match(method: method, path: bare) {
            let call = PreparedCall(operation: match.operation, calledAs: "desk.request", path: match.pathParameters,
                                    query: query, body: body, ids: match.pathParameters.values.sorted())
            return try invoke([call])
        }
        // Unknown to the catalog: anything but a GET counts as destructive.
        let op = DeskCatalog.Operation(
            id: "request", group: "raw", method: method, path: bare, parameters: [], body: nil, scopes: [],
            successCodes: [200], envelope: .object, maxPageSize: nil,
            safety: method == "GET" ? .read : .destructive)
        return try invoke([PreparedCall(operation: op, calledAs: "desk.request", path: [:], query: query, body: body, ids: [])],
                          raw: true)
    }

    /// Lua-visible facts about a binding, for pagination helpers.
    func bindingInfo(_ name: String) throws -> JSON {
        guard let b = FriendlyNames.binding(named: name), let op = Catalog.shared.operation(id: b.operationId) else {
            throw HostError("no binding named \(name)")
        }
        let from = op.parameters.first { $0.name == "from" }
        let first = from?.schema.minimum.map { Int64($0) } ?? (op.path.hasSuffix("/search") ? 0 : 1)
        return ["positional": .int(Int64(b.positional.count)),
                "page": .int(Int64(op.maxPageSize ?? 50)),
                "first": .int(max(0, first)),
                "pageable": .bool(op.parameters.contains { $0.name == "limit" })]
    }

    // MARK: - The gate

    private func invoke(_ parts: [PreparedCall], raw: Bool = false) throws -> HostResult {
        guard let first = parts.first else { return .values([.bool(true)]) }
        let op = first.operation

        if op.safety == .destructive {
            let decision: Policy.Decision = raw
                ? (policy.grants.contains { $0.matches("desk.request") } ? .allowed
                   : .ungranted(reason: "desk.request \(op.method) \(op.path) is not in the catalog and counts as destructive",
                                remedy: "--allow desk.request"))
                : policy.decide(operation: op, calledAs: first.calledAs)
            if let (reason, remedy) = decision.refusal {
                if settings.dryRun {
                    // A plan shows what the code would do; the grant is checked
                    // again when the plan is applied or the run is repeated.
                    for p in parts { _ = record(p, .planned, message: "not allowed yet: \(remedy)") }
                    return .values([placeholder(parts)])
                }
                if case .ungranted = decision, let ask = settings.askWhenUngranted {
                    // The user may let this one call through.
                    guard ask(describe(parts)) else {
                        for p in parts { _ = record(p, .denied, message: "declined at the confirmation prompt") }
                        throw PolicyDenial(operation: op.id, calledAs: first.calledAs, ids: parts.flatMap(\.ids),
                                           reason: "declined at the confirmation prompt",
                                           remedy: "answer y, or :allow \(first.calledAs) for the rest of the session")
                    }
                } else {
                    for p in parts { _ = record(p, .denied, message: "\(reason); to allow: \(remedy)") }
                    throw PolicyDenial(operation: op.id, calledAs: first.calledAs, ids: parts.flatMap(\.ids),
                                       reason: reason, remedy: remedy)
                }
            }
        }

        // Blast-radius caps stop the run before the call, uncatchably.
        if let max = settings.maxCalls, callCount + parts.count > max {
            host?.trip(.host, "call cap of \(max) reached before \(first.calledAs) (raise it with --max-calls)")
            throw HostError("call cap reached")
        }
        if op.safety == .destructive, destructiveCount + parts.count > settings.maxDestructive {
            host?.trip(.host, "destructive-call cap of \(settings.maxDestructive) reached before \(first.calledAs) (raise it with --max-destructive)")
            throw HostError("destructive cap reached")
        }
        callCount += parts.count
        if op.safety == .destructive { destructiveCount += parts.count }

        if op.safety != .read && settings.dryRun {
            for p in parts {
                _ = record(p, .planned)
                var r = Self.auditRecord(p, phase: "planned", context: settings.auditContext).objectValue ?? [:]
                r["dry_run"] = .bool(true)
                audit?.append(.object(r))
            }
            return .values([placeholder(parts)])
        }

        if op.safety == .destructive, !confirmed, let confirm = settings.confirm {
            guard confirm(first) else {
                for p in parts { _ = record(p, .denied, message: "declined at the confirmation prompt") }
                throw PolicyDenial(operation: op.id, calledAs: first.calledAs, ids: parts.flatMap(\.ids),
                                   reason: "declined at the confirmation prompt", remedy: "answer y, or pass --yes")
            }
            confirmed = true
        }

        // Resume: a mutating call that already succeeded in the run being resumed is skipped.
        if op.safety != .read, let journal, parts.allSatisfy({ journal.completed($0) }) {
            for p in parts { _ = record(p, .sent, message: "skipped: completed in the resumed run") }
            return .values([.object(["skipped": .bool(true), "operation": .string(op.id)])])
        }

        let sequences = parts.map { record($0, .sent) }
        let client = self.client
        let audit = op.safety == .read ? nil : self.audit
        let journal = self.journal
        let context = settings.auditContext
        return .suspend { [weak self] in
            var results: [DeskResult] = []
            for (p, seq) in zip(parts, sequences) {
                audit?.append(Self.auditRecord(p, phase: "intent", context: context))
                let start = Date()
                do {
                    let r: DeskResult
                    if raw {
                        r = try await client.raw(method: p.operation.method, path: p.operation.path, query: p.query, body: p.body)
                    } else {
                        r = try await client.call(p.operation, path: p.path, query: p.query, body: p.body)
                    }
                    let ms = Int(Date().timeIntervalSince(start) * 1000)
                    self?.update(seq) { $0.status = r == .empty ? 204 : 200; $0.durationMs = ms }
                    audit?.append(Self.auditRecord(p, phase: "outcome", context: context, status: r == .empty ? 204 : 200, durationMs: ms))
                    if p.operation.safety != .read { journal?.markCompleted(p) }
                    results.append(r)
                } catch let e as DeskError {
                    let ms = Int(Date().timeIntervalSince(start) * 1000)
                    self?.update(seq) { $0.outcome = .failed; $0.status = e.status; $0.errorCode = e.errorCode; $0.message = e.message; $0.durationMs = ms }
                    audit?.append(Self.auditRecord(p, phase: "outcome", context: context, status: e.status, errorCode: e.errorCode ?? e.kind.rawValue, durationMs: ms))
                    throw APIError(e)
                } catch {
                    self?.update(seq) { $0.outcome = .failed; $0.message = "\(error)" }
                    audit?.append(Self.auditRecord(p, phase: "outcome", context: context, errorCode: "\(error)"))
                    throw error
                }
            }
            return [Self.luaValue(results, envelope: op.envelope)]
        }
    }

    /// "helpcenter.labels.delete is destructive: DELETE /api/v1/labels/1 (ids: 1)".
    private func describe(_ parts: [PreparedCall]) -> String {
        let first = parts[0], op = first.operation
        let ids = parts.flatMap(\.ids)
        var text = "\(first.calledAs) is destructive: \(op.method) \(Terminal.visible(concretePath(op.path, first.path)))"
        if !ids.isEmpty { text += " (ids: \(ids.prefix(10).map { Terminal.visible($0) }.joined(separator: ", "))\(ids.count > 10 ? ", … \(ids.count) in all" : ""))" }
        return text
    }

    private func placeholder(_ parts: [PreparedCall]) -> JSON {
        let op = parts[0].operation
        return .object([
            "dry_run": .bool(true),
            "operation": .string(op.id),
            "method": .string(op.method),
            "path": .string(concretePath(op.path, parts[0].path)),
            "ids": .array(parts.flatMap(\.ids).map(JSON.string)),
        ])
    }

    static func auditRecord(_ p: PreparedCall, phase: String, context: [String: JSON], status: Int? = nil,
                            errorCode: String? = nil, durationMs: Int? = nil) -> JSON {
        var o = context
        o["time"] = .string(UTCTimestamp.string())
        o["phase"] = .string(phase)
        o["operation"] = .string(p.operation.id)
        o["called_as"] = .string(p.calledAs)
        o["safety"] = .string(p.operation.safety.rawValue)
        o["method"] = .string(p.operation.method)
        o["path"] = .string(concretePath(p.operation.path, p.path))
        o["ids"] = .array(p.ids.map(JSON.string))
        o["dry_run"] = .bool(false)
        if let status { o["status"] = .int(Int64(status)) }
        if let errorCode { o["error_code"] = .string(errorCode) }
        if let durationMs { o["duration_ms"] = .int(Int64(durationMs)) }
        return .object(o)
    }

    /// What a binding returns to Lua: list records as an array, mass-action
    /// outcomes merged across split requests, `true` for an empty success.
    static func luaValue(_ results: [DeskResult], envelope: Envelope) -> JSON {
        switch envelope {
        case .list, .bareArray:
            return .array(results.flatMap { $0.items(envelope: envelope) ?? [] })
        case .results:
            let merged = results.flatMap { $0.json?["results"]?.arrayValue ?? [] }
            if results.count == 1, let j = results[0].json { return j }
            return .object(["results": .array(merged)])
        default:
            if results.count == 1 {
                switch results[0] {
                case .empty: return .bool(true)
                case .json(let j): return j
                case .binary(let bytes, let type):
                    return .object(["content_type": .string(type ?? "application/octet-stream"), "size": .int(Int64(bytes.count))])
                }
            }
            return .bool(true)
        }
    }
}

/// A call refused by the policy (or at the confirmation prompt).
public struct PolicyDenial: Error, LuaRaisable, CustomStringConvertible {
    public let operation: String
    public let calledAs: String
    public let ids: [String]
    public let reason: String
    public let remedy: String

    public var description: String {
        let on = ids.isEmpty ? "" : " (ids: \(ids.prefix(10).map { Terminal.visible($0) }.joined(separator: ", "))\(ids.count > 10 ? ", …" : ""))"
        return "denied: \(Terminal.visible(reason))\(on); nothing was sent. To allow it: \(Terminal.visible(remedy))"
    }

    public var luaErrorValue: JSON {
        ["code": "POLICY_DENIED", "operation": .string(operation), "called_as": .string(calledAs),
         "ids": .array(ids.map(JSON.string)), "message": .string(description), "_text": .string(description),
         "zdsh_error": "denied"]
    }
}

/// A Zoho API error as Lua sees it: a table with status, code, message,
/// fields and operation, whose tostring reads well.
public struct APIError: Error, LuaRaisable, CustomStringConvertible {
    public let error: DeskError
    public init(_ e: DeskError) { error = e }
    public var description: String { Terminal.visible(error.description) }

    public var luaErrorValue: JSON {
        var o: [String: JSON] = [
            "message": .string(error.message),
            "_text": .string(error.description),
            "zdsh_error": "api",
            "kind": .string(error.kind.rawValue),
        ]
        if let s = error.status { o["status"] = .int(Int64(s)) }
        if let c = error.errorCode { o["code"] = .string(c) }
        if let op = error.operationId { o["operation"] = .string(op) }
        if let r = error.requestId { o["request_id"] = .string(r) }
        if let h = error.hint { o["hint"] = .string(h) }
        o["fields"] = .array(error.fieldErrors.map {
            var f: [String: JSON] = ["field": .string($0.fieldName)]
            if let t = $0.errorType { f["type"] = .string(t) }
            if let m = $0.errorMessage { f["message"] = .string(m) }
            return .object(f)
        })
        return .object(o)
    }
}
