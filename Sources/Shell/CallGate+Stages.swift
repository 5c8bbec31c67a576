import DeskCatalog
import JSONValue
import LuaHost

/// The gate's stages before anything is sent, in the order `invoke` runs
/// them. All run on the Lua thread, one call at a time: a check and the
/// count it updates (the caps) cannot interleave with another call's.
extension CallGate {
    /// A runbook's top level may only read (`settings.refuseMutations` says why).
    func refuseAtTopLevel(_ call: GatedCall) throws {
        guard call.mutates, let why = settings.refuseMutations else { return }
        for p in call.parts { _ = record(p, .denied, message: why) }
        throw PolicyDenial(operation: call.operation.id, calledAs: call.first.calledAs, ids: call.ids,
                           reason: why, remedy: settings.refuseMutationsRemedy)
    }

    /// The destructive-call policy. A dry run plans a refused call instead
    /// (the grant is checked again when the plan is applied or the run is
    /// repeated); an interactive session may ask about an ungranted one.
    func applyPolicy(_ call: GatedCall) throws -> HostResult? {
        guard call.effect.safety == .destructive else { return nil }
        let op = call.operation
        let decision: Policy.Decision = call.uncatalogued
            ? policy.decide(uncatalogued: op.method, path: op.path)
            : policy.decide(destructive: op.id, calledAs: call.first.calledAs,
                            because: call.effect.rule.map { "rule \($0.id): \($0.reason)" })
        guard let (reason, remedy) = decision.refusal else { return nil }
        let settings = self.settings
        if settings.dryRun {
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

    /// The user may let this call through, or every call of this operation.
    private func askOperator(_ call: GatedCall, _ ask: @Sendable (UngrantedQuestion) -> Answer) throws {
        let op = call.operation
        let grant = call.uncatalogued ? "\(op.method) \(Policy.routeSuggestion(op.path))" : OperationNames.preferred(op.id)
        switch ask(UngrantedQuestion(text: describe(call.parts), grant: grant)) {
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
        let counted = affected
        if let budget = settings.budget, !(settings.dryRun && call.mutates),
           let refusal = budget.take(calls: parts.count, destructive: counted) {
            host?.trip(.host, refusal + " (before \(calledAs))")
            throw HostError("call cap reached")
        }
        ledger.withLock { $0.callCount += parts.count; $0.destructiveCount += counted }
        return nil
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
        guard let read, case .object(let body)? = call.first.body else { return .values([value]) }
        let reader = CurrentValuesRead(read: read.read, fields: body.filter { !PlanRoles.isIdList($0.key, $0.value) },
                                       readSequence: read.sequence, plannedSequence: sequences[0], gate: self, client: client)
        return .suspend {
            await reader.run()
            return [value]
        }
    }

    /// `--yes` not given: the first destructive call of each operation asks.
    func confirmIfAsked(_ call: GatedCall) throws {
        guard call.effect.safety == .destructive, let confirm = settings.confirm else { return }
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
