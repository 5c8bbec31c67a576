import DeskCatalog
import DeskCore
import Foundation
import JSONValue
import LuaHost
import ShellCore

/// The one way from Lua to Zoho Desk. Every binding, alias, `desk.api.*`
/// and `desk.request` call comes here, in Swift, at call time: validation,
/// the destructive-call policy, blast-radius caps, confirmation, dry-run,
/// audit and the call record all happen before the client sends anything,
/// whichever Lua path (pcall, coroutine, callback) led here.
package final class CallGate: Sendable {
    package struct Settings: Sendable {
        package var dryRun = false
        /// Stop before call number maxCalls + 1 (nil = no cap).
        package var maxCalls: Int?
        /// Stop before a destructive call that would take the records
        /// affected by destructive calls past maxDestructive.
        package var maxDestructive: Int = 25
        /// Let destructive calls that affect an unbounded set of records
        /// (empty the recycle bin, "all") through the cap (`--allow-unbounded`).
        package var allowUnbounded = false
        /// Stop before a write that would take the records affected by
        /// writes (notify calls included, destructive ones not) past
        /// maxWrites (`--max-writes`, the policy file; nil = no cap).
        package var maxWrites: Int?
        /// Asked at the write that takes the records writes affected past
        /// `writeConfirmationThreshold` (eval, the REPL), with a description
        /// of the call; false refuses it. Nil: nothing to ask (`--yes`, a dry
        /// run, a runbook confirmed with the whole picture at its start).
        package var confirmWrites: (@Sendable (String) -> Bool)?
        /// Records writes may affect in a run or session before one confirmation.
        package static let writeConfirmationThreshold = 10
        /// Asked before the first destructive call of each operation not
        /// yet confirmed; nil = no prompt needed (`--yes`, or tests).
        /// Returns false to refuse.
        package var confirm: (@Sendable (PreparedCall) -> Bool)?
        /// Interactive sessions (the REPL): asked before each destructive call
        /// that nothing grants, with a description of the call; "yes" lets
        /// that one call through. Nil: such calls are denied.
        package var askWhenUngranted: (@Sendable (UngrantedQuestion) -> Answer)?
        /// Fields copied into every audit record (run id, operator, profile,
        /// org, runbook path and sha256, parameters).
        package var auditContext: [String: JSON] = [:]
        /// Set while only reads may pass (a runbook's top level), with why.
        package var refuseMutations: String?
        /// What to do instead when `refuseMutations` refuses a call.
        package var refuseMutationsRemedy = "move the call into main"
        /// Caps shared with other gates (an MCP session's runs), checked and
        /// charged under one lock for every call that is sent; nil: none.
        package var budget: CallBudget?
        /// Read the values an update changes just before it, so `zdsh undo`
        /// can set them back (false: `--no-undo`; UndoCapture.swift).
        package var recordBeforeValues = true
        package init() {}
    }

    /// What an interactive session is asked about a call nothing grants.
    package struct UngrantedQuestion: Sendable {
        /// "helpcenter.labels.delete is destructive: DELETE /api/v1/labels/1 (ids: 1)".
        package let text: String
        /// The grant that "yes to all" adds: the operation's name, or the route.
        package let grant: String
    }

    package enum Answer: Sendable { case no, once, always }

    package let client: DeskClient
    package let audit: AuditLog?
    /// Everything that changes as calls pass: one owner, one lock.
    let ledger = GateLedger()
    /// Help-center arguments already checked against their records (HelpCenterCheck.swift).
    let helpCenterChecks = VerifiedKeys()
    /// Which run may still send, and the sends under way (RunSends.swift).
    package let sends = RunSends()

    /// The operator's grants, narrowed to what a runbook declares (`declare`);
    /// the REPL's `:allow` and `:deny` change them between inputs (`adjust`).
    package var policy: Policy { ledger.withLock { $0.policy } }

    /// Dry run, caps, confirmation, audit context: set at construction, held
    /// to reads while a runbook's top level runs (`holdingToReads`), changed
    /// only by the REPL between inputs (`adjust`).
    package var settings: Settings { ledger.withLock { $0.settings } }

    /// The journal of the run being resumed or recorded (nil: none).
    package let journal: Journal?

    /// Folders upload operations may read files from (the runbook's folder,
    /// `--files-dir`); empty: only content given as a Lua string.
    package let uploadRoots: [String]

    /// The host whose run a blast-radius cap stops (not retained).
    package var host: LuaHost? {
        get { ledger.withLock { $0.host.value } }
        set { ledger.withLock { $0.host = WeakHost(value: newValue) } }
    }

    package var destructiveCount: Int { ledger.withLock { $0.destructiveCount } }
    var writeCount: Int { ledger.withLock { $0.writeCount } }

    /// Bulk writes were confirmed for the whole run (a runbook's start, with
    /// the whole picture): no question at the threshold.
    package func markWritesConfirmed() {
        ledger.withLock { $0.writesConfirmed = true }
    }
    package var callCount: Int { ledger.withLock { $0.callCount } }

    package init(client: DeskClient, policy: Policy, settings: Settings = Settings(), audit: AuditLog? = nil,
                journal: Journal? = nil, uploadRoots: [String] = []) {
        self.client = client; self.audit = audit; self.journal = journal; self.uploadRoots = uploadRoots
        ledger.withLock { $0.policy = policy; $0.settings = settings }
    }

    /// A runbook's declaration: its main runs under the operator's grants
    /// narrowed to what `spec` declares (destructive, writes, notify), and
    /// its audit records carry `auditFields` (its parameters, path and hash).
    package func declare(_ spec: RunbookSpec, auditFields: [String: JSON]) throws {
        var narrowed = policy
        try spec.declarations(into: &narrowed)
        ledger.withLock { state in
            state.policy = narrowed
            state.settings.auditContext.merge(auditFields) { _, new in new }
        }
    }

    /// Runs `body` with every mutating call refused for `reason` (a runbook's
    /// top level, before the grants are checked), then lifts the hold.
    package func holdingToReads<T>(because reason: String, _ body: () throws -> T) rethrows -> T {
        let before = ledger.withLock { state in
            let before = state.settings.refuseMutations
            state.settings.refuseMutations = reason
            return before
        }
        defer { ledger.withLock { $0.settings.refuseMutations = before } }
        return try body()
    }

    /// The REPL's `:allow`, `:deny`, `:cap` and `:dry-run` (and a scenario
    /// test's `policy{…}`): grants and settings changed between inputs by
    /// the operator — never by the code the gate is checking.
    package func adjust(_ change: (inout Policy, inout Settings) -> Void) {
        ledger.withLock { change(&$0.policy, &$0.settings) }
    }

    /// Marks operations as confirmed by a prompt shown before the run.
    package func markConfirmed(_ operationIds: [String]) {
        ledger.withLock { $0.confirmedOperations.formUnion(operationIds) }
    }

    // MARK: - Records

    package var calls: [CallRecord] { ledger.withLock { $0.records } }

    /// zdsh's own files (audit log, journal) that could not be written while
    /// calls passed, each reason once: the summary reports them.
    package var stateFailures: [String] { ledger.withLock { $0.stateFailures } }

    /// True when a call was held back because its audit intent or in-flight
    /// mark could not be written (the run ends with exit status 7).
    package var stoppedForLocalState: Bool { ledger.withLock { $0.stoppedForLocalState } }

    /// Writes a record of a call that is not sent (denied, planned): a
    /// failure is reported in the summary, and stops nothing.
    func auditNow(_ record: JSON) {
        do { try audit?.append(record) } catch {
            noteStateFailure(error as? LocalStateError ?? LocalStateError("audit log", error), heldBack: false)
        }
    }

    /// Records a failed write of zdsh's own state; `heldBack`: a call was not
    /// sent because of it.
    func noteStateFailure(_ failure: LocalStateError, heldBack: Bool) {
        ledger.withLock { state in
            if !state.stateFailures.contains(failure.description) { state.stateFailures.append(failure.description) }
            if heldBack { state.stoppedForLocalState = true }
        }
    }
    package var deniedCount: Int { calls.filter { $0.outcome == .denied }.count }

    func record(_ call: PreparedCall, _ outcome: CallRecord.Outcome, message: String? = nil) -> Int {
        if outcome == .denied {
            // Refusals are part of the record too: what was attempted and why it did not go.
            var r = Self.auditRecord(call, phase: "denied", context: settings.auditContext).objectValue ?? [:]
            if let message { r["reason"] = .string(message) }
            auditNow(.object(r))
        }
        let effect = call.effect
        return ledger.withLock { ledger in
            let seq = ledger.records.count + 1
            ledger.records.append(CallRecord(sequence: seq, operationId: call.operation.id, calledAs: call.calledAs,
                                             method: call.operation.method, path: concretePath(call.operation.path, call.path),
                                             query: call.query, body: call.body, ids: call.ids, safety: effect.safety,
                                             outcome: outcome, status: nil, errorCode: nil, message: message, durationMs: nil,
                                             rule: effect.rule?.id ?? effect.notifyRule?.id, records: call.records,
                                             notifies: effect.notifies, unchecked: call.uncheckedFields))
            return seq
        }
    }

    func update(_ seq: Int, _ change: (inout CallRecord) -> Void) {
        ledger.withLock { change(&$0.records[seq - 1]) }
    }

    // MARK: - Entry points (called on the Lua thread)

    package func callBinding(_ name: String, _ arguments: [JSON]) throws -> HostResult {
        guard let binding = FriendlyNames.binding(named: name) else { throw HostError("no binding named \(name)") }
        if let message = binding.alias?.unsupported { throw HostError("\(name): \(message)") }
        guard let op = Catalog.shared.operation(id: binding.operationId) else {
            throw HostError("\(name): operation \(binding.operationId) is missing from the catalog")
        }
        var arguments = arguments
        var partial = false
        if case .object(var options)? = arguments.last, options["partial"] != nil {
            partial = try Self.partialFlag(options["partial"]!, function: name)
            options["partial"] = nil
            arguments[arguments.count - 1] = .object(options)
        }
        return try invoke(try ArgumentBinder.bind(binding: binding, operation: op, arguments: arguments), partial: partial)
    }

    /// `{ partial = true }`: the runbook takes per-id results of a mass action
    /// instead of an error when some ids fail. No Zoho field is named so.
    private static func partialFlag(_ value: JSON, function: String) throws -> Bool {
        guard case .bool(let b) = value else {
            throw ArgumentError(function: function, name: "partial", expected: "a boolean expected, got \(value.typeName)")
        }
        return b
    }

    package func callOperation(_ id: String, _ table: JSON) throws -> HostResult {
        guard let op = Catalog.shared.operation(id: id) else { throw HostError("desk.api has no operation \(id)") }
        var table = table
        var partial = false
        if case .object(var fields) = table, let flag = fields["partial"] {
            partial = try Self.partialFlag(flag, function: "desk.api.\(id)")
            fields["partial"] = nil
            table = .object(fields)
        }
        return try invoke(try ArgumentBinder.bind(operation: op, table: table), partial: partial)
    }

    /// `desk.request(method, path, {query=…, body=…})`: a path the catalog
    /// knows becomes a call of that operation — the same validation, policy
    /// and records as its binding, the path values checked as ids; any other
    /// path is an uncatalogued request, destructive unless a GET.
    package func request(method: String, path: String, options: JSON) throws -> HostResult {
        let method = method.uppercased()
        guard ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) else {
            throw ArgumentError(function: "desk.request", position: 1, expected: "GET, POST, PUT, PATCH or DELETE expected, got \(method)")
        }
        var bare = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
        var query: [String: String] = [:]
        if path.contains("?"), let items = URLComponents(string: path)?.queryItems {
            for item in items { query[item.name] = item.value ?? "" }
        }
        if case .object(let q)? = options["query"] {
            for (k, v) in q { query[k] = ArgumentBinder.scalarString(v) ?? v.encoded() }
        }
        guard bare.hasPrefix("/"), !bare.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false }) else {
            throw ArgumentError(function: "desk.request", position: 2, expected: "an absolute path such as /api/v1/tickets expected")
        }
        if bare.count > 1, bare.hasSuffix("/") { bare.removeLast() }
        let body = options["body"]
        let partial = try options["partial"].map { try Self.partialFlag($0, function: "desk.request") } ?? false
        if let match = Catalog.shared.match(method: method, path: bare) {
            return try invoke(try ArgumentBinder.bind(operation: match.operation, calledAs: "desk.request",
                                                       path: match.pathParameters, query: query, body: body), partial: partial)
        }
        if bare.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) || bare.contains("%") {
            throw ArgumentError(function: "desk.request", position: 2, expected: "a plain path without '.', '..' or percent-escapes expected, got \(Terminal.visible(bare))")
        }
        let op = DeskCatalog.Operation(
            id: "request", group: "raw", method: method, path: bare, parameters: [], body: nil, scopes: [],
            successCodes: [200], envelope: .object, maxPageSize: nil,
            safety: method == "GET" ? .read : .destructive)
        return try invoke([PreparedCall(operation: op, calledAs: "desk.request", path: [:], query: query, body: body,
                                        ids: [], uncatalogued: true)])
    }

    /// Lua-visible facts about a binding, for pagination helpers (the paging
    /// rules themselves are `PageCursor`'s, see `LuaPaging`).
    package func bindingInfo(_ name: String) throws -> JSON {
        guard let b = FriendlyNames.binding(named: name), let op = Catalog.shared.operation(id: b.operationId) else {
            throw HostError("no binding named \(name)")
        }
        // Which paging arguments the list takes: `from`/`limit` are sent only where they are known.
        func takes(_ p: String) -> Bool {
            b.queryNames.contains(p) || op.parameters.contains { $0.name == p && $0.location == .query }
        }
        return ["positional": .int(Int64(b.positional.count)), "from": .bool(takes("from")), "limit": .bool(takes("limit"))]
    }

    // MARK: - The gate

    /// The gate, stage by stage, in the order they run (CallGate+Stages.swift).
    /// Each stage lets the call go on, ends it with a value (a plan
    /// placeholder, a skipped call) or throws (a refusal, a cap); only the
    /// last one sends anything.
    private func invoke(_ parts: [PreparedCall], partial: Bool = false) throws -> HostResult {
        // Upload calls read their files first, refusing any outside the upload
        // roots before a byte is read.
        let files = UploadFiles(roots: uploadRoots)
        guard var call = GatedCall(try parts.map { try $0.loadingUploads(from: files) }, partial: partial) else { return .values([.bool(true)]) }
        try refuseAtTopLevel(call)
        if let planned = try applyPolicy(call) { return planned }
        if let planned = try enforceCaps(call) { return planned }
        if let planned = planInsteadOfSending(call) { return planned }
        try confirmIfAsked(call)
        if let skipped = narrowForResume(&call) { return skipped }
        let verifyFirst = try checkUnknownOutcome(call)
        return send(call, verifyingFirst: verifyFirst)
    }

    /// "helpcenter.labels.delete is destructive: DELETE /api/v1/labels/1 (ids: 1)".
    func describe(_ parts: [PreparedCall], as effect: CallClassification? = nil) -> String {
        let first = parts[0], op = first.operation
        let ids = parts.flatMap(\.ids)
        let what: String
        switch (effect?.safety ?? .destructive, effect?.notifies ?? false) {
        case (.destructive, true): what = "destructive and sends to or publishes for people outside the org"
        case (_, true): what = "a notify call (it sends to or publishes for people outside the org)"
        default: what = "destructive"
        }
        var text = "\(first.calledAs) is \(what): \(op.method) \(Terminal.visible(concretePath(op.path, first.path)))"
        if !ids.isEmpty { text += " (ids: \(ids.prefix(10).map { Terminal.visible($0) }.joined(separator: ", "))\(ids.count > 10 ? ", … \(ids.count) in all" : ""))" }
        return text
    }

    func placeholder(_ parts: [PreparedCall]) -> JSON {
        let op = parts[0].operation
        return .object([
            "dry_run": .bool(true),
            "operation": .string(op.id),
            "method": .string(op.method),
            "path": .string(concretePath(op.path, parts[0].path)),
            "ids": .array(parts.flatMap(\.ids).map(JSON.string)),
        ])
    }

    package static func auditRecord(_ p: PreparedCall, phase: String, context: [String: JSON], status: Int? = nil,
                            errorCode: String? = nil, durationMs: Int? = nil, outcomes: RecordOutcomes? = nil) -> JSON {
        var o = context
        o["time"] = .string(UTCTimestamp.string())
        o["phase"] = .string(phase)
        o["operation"] = .string(p.operation.id)
        o["called_as"] = .string(p.calledAs)
        let effect = p.effect
        o["safety"] = .string(effect.safety.rawValue)
        if let rule = effect.rule { o["rule"] = .string(rule.id) }
        if let rule = effect.notifyRule, effect.rule == nil { o["rule"] = .string(rule.id) }
        if effect.notifies { o["notify"] = .bool(true) }
        if effect.safety != .read { o["records"] = p.records.map { .int(Int64($0)) } ?? .string("unbounded") }
        o["method"] = .string(p.operation.method)
        o["path"] = .string(concretePath(p.operation.path, p.path))
        o["ids"] = .array(p.ids.map(JSON.string))
        o["dry_run"] = .bool(false)
        if !p.uncheckedFields.isEmpty { o["unchecked"] = .array(p.uncheckedFields.map(JSON.string)) }
        if !p.uploads.isEmpty, case .object(let fields)? = p.body {
            o["uploads"] = .array(p.operation.fileFields.compactMap { fields[$0]?["upload"] })
        }
        if let status { o["status"] = .int(Int64(status)) }
        if let errorCode { o["error_code"] = .string(errorCode) }
        if let durationMs { o["duration_ms"] = .int(Int64(durationMs)) }
        if let outcomes {
            o["succeeded"] = outcomes.json["succeeded"]
            o["failed"] = outcomes.json["failed"]
            if outcomes.isPartial { o["partial"] = .bool(true) }
        }
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
package struct PolicyDenial: Error, LuaRaisable, CustomStringConvertible {
    package let operation: String
    package let calledAs: String
    package let ids: [String]
    package let reason: String
    package let remedy: String

    package var description: String {
        let on = ids.isEmpty ? "" : " (ids: \(ids.prefix(10).map { Terminal.visible($0) }.joined(separator: ", "))\(ids.count > 10 ? ", …" : ""))"
        return "denied: \(Terminal.visible(reason))\(on); nothing was sent. To allow it: \(Terminal.visible(remedy))"
    }

    package var luaErrorValue: JSON {
        ["code": "POLICY_DENIED", "operation": .string(operation), "called_as": .string(calledAs),
         "ids": .array(ids.map(JSON.string)), "message": .string(description), "_text": .string(description),
         "zdsh_error": "denied"]
    }
}

/// A Zoho API error as Lua sees it: a table with status, code, message,
/// fields and operation, whose tostring reads well.
package struct APIError: Error, LuaRaisable, CustomStringConvertible {
    package let error: DeskError
    package init(_ e: DeskError) { error = e }
    package var description: String { Terminal.visible(error.description) }

    package var luaErrorValue: JSON {
        var o: [String: JSON] = [
            "message": .string(error.message),
            "_text": .string(error.description),
            "_lines": .array(error.lines.map(JSON.string)),
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
