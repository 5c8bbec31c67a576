import DeskCatalog
import JSONValue
import LuaHost
import ShellCore

/// The gate's stages before anything is sent, in the order `invoke` runs
/// them. All run on the Lua thread, one call at a time: a check and the
/// count it updates (the caps) cannot interleave with another call's.
package extension CallGate {
    /// A runbook's top level may only read (`settings.refuseMutations` says why).
    func refuseAtTopLevel(_ call: GatedCall) throws {
        guard call.mutates, let why = settings.refuseMutations else { return }
        for p in call.parts { _ = record(p, .denied, message: why) }
        throw PolicyDenial(operation: call.operation.id, calledAs: call.first.calledAs, ids: call.ids,
                           reason: why, remedy: settings.refuseMutationsRemedy)
    }

    /// The policy, for every class of call: denials (reads included),
    /// grants of destructive and notify calls, declarations of a runbook's
    /// writes. A dry run plans a refused change instead (the grant is
    /// checked again when the plan is applied or the run is repeated); an
    /// interactive session may ask about an ungranted one.
    func applyPolicy(_ call: GatedCall) throws -> HostResult? {
        let op = call.operation
        let policy = self.policy
        let decision = Self.decision(for: call, under: policy)
        guard let (reason, remedy) = decision.refusal else {
            try refuseWhenOwnReadDenied(call, policy)
            return nil
        }
        let settings = self.settings
        if settings.dryRun && call.mutates {
            for p in call.parts { _ = record(p, .planned, message: "not allowed yet: \(remedy)") }
            return .values([placeholder(call.parts)])
        }
        guard case .ungranted = decision, let ask = settings.askWhenUngranted else {
            for p in call.parts { _ = record(p, .denied, message: "\(reason); to allow: \(remedy)") }
            throw PolicyDenial(operation: op.id, calledAs: call.first.calledAs, ids: call.ids, reason: reason, remedy: remedy)
        }
        try askOperator(call, ask)
        return nil
    }

    static func decision(for call: GatedCall, under policy: Policy) -> Policy.Decision {
        let op = call.operation
        guard call.uncatalogued else { return policy.decide(call: op.id, calledAs: call.first.calledAs, effect: call.effect) }
        if call.effect.safety == .destructive { return policy.decide(uncatalogued: op.method, path: op.path) }
        guard let denial = policy.denials.first(where: { $0.matches(method: op.method, path: op.path) }) else { return .allowed }
        return .denied(reason: "desk.request \(op.method) \(op.path) is explicitly denied (\(denial.text))", remedy: "remove the --deny/policy rule")
    }

    /// A deny that covers a read the gate makes for its own checks (the
    /// help-center check before a destructive call, a dry run's read of the
    /// values an update changes) refuses the call that needed it: the check
    /// is not skipped silently, and the read is not made against the deny.
    private func refuseWhenOwnReadDenied(_ call: GatedCall, _ policy: Policy) throws {
        guard !policy.denials.isEmpty, !call.uncatalogued else { return }
        var reads: [(String, String)] = []
        if call.first.unusedHelpCenterId != nil, let reader = HelpCenterCheck.readers[call.operation.id] {
            reads.append((reader.operationId, "to check the record's help center"))
        }
        if settings.dryRun, let read = CurrentValuesRead.readCall(for: call) {
            reads.append((read.operation.id, "to show the values it changes in the plan"))
        }
        guard let (readId, why) = reads.first(where: { policy.denies($0.0) != nil }), let denial = policy.denies(readId) else { return }
        let name = OperationNames.preferred(readId)
        let reason = "\(call.first.calledAs) needs \(name) (zdsh reads it \(why)), and \(name) is denied (\(denial.text))"
        for p in call.parts { _ = record(p, .denied, message: reason) }
        throw PolicyDenial(operation: call.operation.id, calledAs: call.first.calledAs, ids: call.ids, reason: reason,
                           remedy: "narrow the --deny/policy rule so it leaves \(name)")
    }

    /// The user may let this call through, or every call of this operation.
    private func askOperator(_ call: GatedCall, _ ask: @Sendable (UngrantedQuestion) -> Answer) throws {
        let op = call.operation
        let grant = call.uncatalogued ? "\(op.method) \(Policy.routeSuggestion(op.path))" : OperationNames.preferred(op.id)
        switch ask(UngrantedQuestion(text: describe(call.parts, as: call.effect), grant: grant)) {
        case .once:
            break
        case .always:
            if let pattern = try? Policy.Pattern(grant) { ledger.withLock { $0.policy.grants.append(pattern) } }
        case .no:
            for p in call.parts { _ = record(p, .denied, message: "declined at the confirmation prompt") }
            throw PolicyDenial(operation: op.id, calledAs: call.first.calledAs, ids: call.ids,
                               reason: "declined at the confirmation prompt",
                               remedy: "answer y, or :allow \(call.uncatalogued ? "'\(grant)'" : grant) for the rest of the session")
        }
    }

    /// Blast-radius caps stop the run before the call, uncatchably. The
    /// destructive cap counts records, and an unbounded set exceeds any cap.
    func enforceCaps(_ call: GatedCall) throws -> HostResult? {
        let settings = self.settings, parts = call.parts, calledAs = call.first.calledAs
        if let max = settings.maxCalls, callCount + parts.count > max {
            // Refused like any other call the caps stop: counted and audited as denied.
            for p in parts { _ = record(p, .denied, message: "call cap of \(max) reached") }
            host?.trip(.host, "call cap of \(max) reached before \(calledAs) (raise it with --max-calls)")
            throw HostError("call cap reached")
        }
        var affected = 0
        if call.effect.safety == .destructive {
            if call.effect.unbounded && !settings.allowUnbounded { return try refuseUnbounded(call) }
            affected = call.effect.unbounded ? 0 : parts.reduce(0) { $0 + ($1.records ?? 0) }
            let before = destructiveCount
            if before + affected > settings.maxDestructive {
                for p in parts { _ = record(p, .denied, message: "destructive cap of \(settings.maxDestructive) records reached") }
                host?.trip(.host, "destructive cap of \(settings.maxDestructive) records reached before \(calledAs) on \(affected) record\(affected == 1 ? "" : "s") (\(before) affected so far; raise it with --max-destructive)")
                throw HostError("destructive cap reached")
            }
        }
        let writes = try checkWriteCap(call)
        let counted = affected
        if let budget = settings.budget, !(settings.dryRun && call.mutates),
           let refusal = budget.take(calls: parts.count, destructive: counted, writes: writes) {
            host?.trip(.host, refusal + " (before \(calledAs))")
            throw HostError("call cap reached")
        }
        ledger.withLock { $0.callCount += parts.count; $0.destructiveCount += counted; $0.writeCount += writes }
        return nil
    }

    /// Writes (notify calls too; destructive ones have their own cap) count
    /// the records they affect against --max-writes; an unbounded write needs
    /// --allow-unbounded. The write that takes the run past the confirmation
    /// threshold asks first (eval, the REPL), and without an answer is
    /// refused, nothing of it sent. Answers the records it adds.
    private func checkWriteCap(_ call: GatedCall) throws -> Int {
        guard call.effect.safety == .write, !call.uncatalogued else { return 0 }
        let settings = self.settings, parts = call.parts, calledAs = call.first.calledAs
        if call.effect.unbounded && !settings.allowUnbounded {
            if settings.dryRun { return 0 }
            for p in parts { _ = record(p, .denied, message: "writes to an unbounded set of records; to allow: --allow-unbounded") }
            host?.trip(.host, "\(calledAs) writes to an unbounded set of records, which no write cap can count (allow it with --allow-unbounded)")
            throw HostError("write cap reached")
        }
        let affected = call.effect.unbounded ? 0 : parts.reduce(0) { $0 + ($1.records ?? 0) }
        let before = writeCount
        if let max = settings.maxWrites, before + affected > max {
            for p in parts { _ = record(p, .denied, message: "write cap of \(max) records reached") }
            host?.trip(.host, "write cap of \(max) records reached before \(calledAs) on \(affected) record\(affected == 1 ? "" : "s") (\(before) written so far; raise it with --max-writes)")
            throw HostError("write cap reached")
        }
        let threshold = Settings.writeConfirmationThreshold
        if before + affected > threshold, let ask = settings.confirmWrites, !ledger.withLock({ $0.writesConfirmed }) {
            let text = "\(calledAs) writes \(affected) record\(affected == 1 ? "" : "s") (\(call.operation.method) \(Terminal.visible(concretePath(call.operation.path, call.first.path)))), taking this run's writes from \(before) to \(before + affected) records, past \(threshold)\(settings.maxWrites.map { "; the write cap is \($0)" } ?? "; no write cap is set (--max-writes)")"
            guard ask(text) else {
                let why = "writes past \(threshold) records need confirmation"
                for p in parts { _ = record(p, .denied, message: why) }
                throw PolicyDenial(operation: call.operation.id, calledAs: calledAs, ids: call.ids, reason: "\(why) (\(before + affected) records in this run)",
                                   remedy: "answer y on a terminal, or pass --yes (and --max-writes N to cap them)")
            }
            ledger.withLock { $0.writesConfirmed = true }
        }
        return affected
    }

    private func refuseUnbounded(_ call: GatedCall) throws -> HostResult {
        let settings = self.settings
        if settings.dryRun {
            for p in call.parts { _ = record(p, .planned, message: "affects an unbounded set of records: needs --allow-unbounded") }
            return .values([placeholder(call.parts)])
        }
        for p in call.parts { _ = record(p, .denied, message: "affects an unbounded set of records; to allow: --allow-unbounded") }
        host?.trip(.host, "\(call.first.calledAs) affects an unbounded set of records, which exceeds the destructive cap of \(settings.maxDestructive) (allow it with --allow-unbounded)")
        throw HostError("destructive cap reached")
    }

    /// Dry runs send no write, and no request at all outside the catalog.
    /// An update of one record reads it first, suspending like a send, so
    /// the plan shows before → after (CallGate+CurrentValues.swift).
    func planInsteadOfSending(_ call: GatedCall) -> HostResult? {
        let settings = self.settings
        guard settings.dryRun && call.mutates else { return nil }
        let read = currentValuesRead(for: call)
        let sequences = call.parts.map { p in
            let seq = record(p, .planned)
            var r = Self.auditRecord(p, phase: "planned", context: settings.auditContext).objectValue ?? [:]
            r["dry_run"] = .bool(true)
            auditNow(.object(r))
            return seq
        }
        let value = placeholder(call.parts)
        if read == nil, let reader = massCurrentValuesRead(for: call, plannedSequence: sequences[0]) {
            return .suspend {
                await reader.run()
                return [value]
            }
        }
        guard let read, case .object(let body)? = call.first.body else { return .values([value]) }
        let reader = CurrentValuesRead(read: read.read, fields: body.filter { !PlanRoles.isIdList($0.key, $0.value) },
                                       readSequence: read.sequence, plannedSequence: sequences[0], gate: self, client: client)
        return .suspend {
            try await RunResponseMemory.charging { await reader.run() }
            return [value]
        }
    }

    /// `--yes` not given: the first destructive or notify call of each operation asks.
    func confirmIfAsked(_ call: GatedCall) throws {
        guard call.effect.safety == .destructive || call.effect.notifies, let confirm = settings.confirm else { return }
        let op = call.operation
        let key = call.uncatalogued ? "\(op.method) \(op.path)" : op.id
        guard !ledger.withLock({ $0.confirmedOperations.contains(key) }) else { return }
        guard confirm(call.first) else {
            for p in call.parts { _ = record(p, .denied, message: "declined at the confirmation prompt") }
            throw PolicyDenial(operation: op.id, calledAs: call.first.calledAs, ids: call.ids,
                               reason: "declined at the confirmation prompt", remedy: "answer y, or pass --yes")
        }
        markConfirmed([key])
    }

    /// Resume: a mass action that partly failed is sent again for the ids
    /// that failed, and only those; a call that completed is skipped.
    func narrowForResume(_ call: inout GatedCall) -> HostResult? {
        guard call.effect.safety != .read, let journal else { return nil }
        call.parts = call.parts.compactMap { Self.narrowed($0, by: journal) }
        let skipped = HostResult.values([.object(["skipped": .bool(true), "operation": .string(call.operation.id)])])
        if call.parts.isEmpty {
            _ = record(call.first, .sent, message: "skipped: every id succeeded in the resumed run")
            return skipped
        }
        if call.parts.allSatisfy({ journal.completed($0) }) {
            for p in call.parts { _ = record(p, .sent, message: "skipped: completed in the resumed run") }
            return skipped
        }
        return nil
    }

    /// The request without the ids that already succeeded; nil when none is left.
    private static func narrowed(_ part: PreparedCall, by journal: Journal) -> PreparedCall? {
        var current: PreparedCall? = part
        for _ in 0..<16 {
            guard let c = current, let done = journal.succeededBefore(c) else { break }
            let narrowed = c.without(ids: done)
            if narrowed.map(Journal.key) == Journal.key(c) { break }
            current = narrowed
        }
        return current
    }

    /// A call the resumed run sent but never heard back from: a deletion
    /// is re-checked by reading the record (the operation returned does the
    /// reading); repeating an idempotent call is harmless; any other is left
    /// for the operator.
    func checkUnknownOutcome(_ call: GatedCall) throws -> DeskCatalog.Operation? {
        guard call.effect.safety != .read, let journal,
              call.parts.contains(where: { journal.outcomeUnknown($0) }) else { return nil }
        let op = call.operation
        if let read = OutcomeCheck.verifier(for: op), call.parts.count == 1 { return read }
        if ["PUT", "PATCH", "DELETE"].contains(op.method) { return nil }
        let message = "the outcome of this call in run \(journal.runId) is unknown (the run stopped while it was in flight), and \(op.method) is not safe to repeat: check \(call.first.calledAs) \(call.ids.prefix(10).joined(separator: ", ")) by hand, then run again without --resume"
        for p in call.parts { _ = record(p, .failed, message: message) }
        throw HostError("\(call.first.calledAs): \(message)")
    }
}
