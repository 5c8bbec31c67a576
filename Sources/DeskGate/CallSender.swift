import DeskCatalog
import DeskCore
import Foundation
import JSONValue
import LuaHost
import ShellCore

package extension CallGate {
    /// The last stage: records the call as sent and suspends the calling
    /// coroutine while the parts go out, one after another.
    func send(_ call: GatedCall, verifyingFirst read: DeskCatalog.Operation?) -> HostResult {
        let sends = self.sends
        var sender = CallSender(gate: self, call: call, sequences: call.parts.map { record($0, .sent) }, client: client,
                                audit: call.effect.safety == .read ? nil : audit, journal: journal,
                                context: settings.auditContext, checks: helpCenterChecks, sends: sends, run: sends.current)
        sender.undo = undoCapture(for: call)
        let ready = sender
        return .suspend {
            try await sends.tracking {
                try await RunResponseMemory.charging {
                    if let read, let skipped = try await ready.verify(with: read) { return skipped }
                    return try await ready.sendAll()
                }
            }
        }
    }
}

/// Sends one gated call off the Lua thread: audit intent, journal mark,
/// the request, then its outcome in the record, the audit log and the journal.
package struct CallSender: Sendable {
    /// Not retained: a run that ended need not keep its gate for a late answer.
    weak var gate: CallGate?
    let call: GatedCall
    /// The call record of each part.
    let sequences: [Int]
    let client: DeskClient
    let audit: AuditLog?
    let journal: Journal?
    let context: [String: JSON]
    /// The gate's help-center checks, held here: the gate itself is not retained.
    let checks: VerifiedKeys
    /// Whether the run this call belongs to may still send (RunSends.swift).
    let sends: RunSends
    let run: Int
    /// What to journal for `zdsh undo` (nil: nothing; UndoCapture.swift).
    var undo: UndoCapture?

    /// A resumed run's deletion whose outcome was unknown: the "skipped"
    /// value when reading shows it was applied, nil when it must be sent.
    func verify(with read: DeskCatalog.Operation) async throws -> [JSON]? {
        guard let p = call.parts.first else { return nil }
        let verdict = (try? await CallSlots.holding { await OutcomeCheck.check(p, with: read, client: client) }) ?? .unknown
        switch verdict {
        case .applied:
            await settle { try await journal?.markCompleted(Journal.key(p)) }
            gate?.update(sequences[0]) { $0.message = "skipped: the resumed run's call was applied (\(read.id) finds no record)" }
            return [.object(["skipped": .bool(true), "operation": .string(call.operation.id)])]
        case .notApplied:
            return nil  // the record is still there: send the call
        case .unknown:
            let message = "the outcome of this call in run \(journal?.runId ?? "") is unknown and reading \(read.id) did not tell; check \(call.first.calledAs) \(call.ids.prefix(10).joined(separator: ", ")) by hand, then run again without --resume"
            gate?.update(sequences[0]) { $0.outcome = .failed; $0.message = message }
            throw HostError("\(call.first.calledAs): \(message)")
        }
    }

    /// Every part in turn; the value Lua gets, or the first error.
    func sendAll() async throws -> [JSON] {
        var results: [DeskResult] = []
        var all = RecordOutcomes()
        for (p, seq) in zip(call.parts, sequences) {
            let (result, outcomes) = try await send(p, seq)
            if let outcomes, outcomes.isPartial {
                all.succeeded += outcomes.succeeded
                all.failed += outcomes.failed
            } else if p.effect.safety != .read {
                all.succeeded += outcomes?.succeeded ?? []
            }
            results.append(result)
        }
        if all.isPartial && !call.partial {
            throw PartialFailure(operation: call.operation.id, calledAs: call.first.calledAs, outcomes: all)
        }
        return [CallGate.luaValue(results, envelope: call.operation.envelope)]
    }

    private func send(_ p: PreparedCall, _ seq: Int) async throws -> (DeskResult, RecordOutcomes?) {
        // A help-center id the endpoint ignores must still be the record's.
        do { try await HelpCenterCheck.verify(p, client: client, checked: checks) } catch let e as DeskError {
            gate?.update(seq) { $0.outcome = .failed; $0.message = e.message }
            throw APIError(e)
        } catch {
            // The check's read could not run (the run ended while it waited
            // for a slot): the call was not sent, and its record says so.
            let text = "\(error)"
            gate?.update(seq) { $0.outcome = .failed; $0.message = text }
            throw error
        }
        let mutates = p.effect.safety != .read
        // Computed once: the journal finds the call by it before and after.
        let key = mutates ? journal.map { _ in Journal.key(p) } : nil
        // The intent line goes to disk while the call waits for one of its
        // desk.each's slots (CallSlots.swift); only the request holds one.
        let before = await undo?.readBefore(client: client, gate: gate)  // for `zdsh undo` (UndoCapture.swift)
        let intent = audit?.appending(CallGate.auditRecord(p, phase: "intent", context: context))
        var start = ContinuousClock.now
        do {
            let r = try await CallSlots.holding {
                // In flight only from here, where it may leave: calls still
                // waiting for a slot when a run is killed are not in doubt.
                // A run that ended (a later call tripped a cap or a limit)
                // sends nothing more: this call stays unsent, and says so.
                guard sends.mayLeave(run) else { throw NotSent(reason: nil) }
                // Neither mark on disk: the call is not sent (fail closed).
                try await markedBeforeSending(intent, key)
                start = ContinuousClock.now
                return try await request(p)
            }
            let ms = Self.milliseconds(since: start)
            let outcomes = mutates ? RecordOutcomes(r) : nil
            let status = r == .empty ? 204 : 200
            gate?.update(seq) { $0.status = status; $0.durationMs = ms; $0.outcomes = outcomes }
            await logAndMark(CallGate.auditRecord(p, phase: "outcome", context: context, status: status,
                                                  durationMs: ms, outcomes: outcomes), key) { journal, key in
                try await undo?.file(p, before: before, answer: r, outcomes: outcomes, in: journal)
                if let outcomes, outcomes.isPartial {
                    try await journal.markPartial(key, succeeded: outcomes.succeeded)
                } else {
                    try await journal.markCompleted(key)
                }
            }
            return (r, outcomes)
        } catch let e as DeskError {
            throw await answered(e, p, seq, key: key, ms: Self.milliseconds(since: start))
        } catch let e as LocalStateError {
            gate?.update(seq) { $0.outcome = .failed; $0.message = "not sent: \(e)"; $0.notSent = true }
            gate?.noteStateFailure(e, heldBack: true)
            throw e
        } catch {
            await settle { try await intent?.written() }
            throw await unanswered(error, p, seq)
        }
    }

    /// Zoho answered with an error, or an answer too large to hold: the
    /// outcome is known (applied, or no change). Returns the error to raise.
    private func answered(_ e: DeskError, _ p: PreparedCall, _ seq: Int, key: String?, ms: Int) async -> Error {
        // A 2xx whose body was too large to hold: the call took effect.
        let applied = e.kind == .responseTooLarge && e.status.map { (200..<300).contains($0) } == true
        gate?.update(seq) {
            $0.outcome = applied ? .sent : .failed; $0.status = e.status; $0.errorCode = e.errorCode ?? (applied ? e.kind.rawValue : nil)
            $0.message = e.message; $0.durationMs = ms
            // No way to Zoho (no credentials, no token, no org): it never left.
            $0.notSent = e.neverLeft
        }
        // Known unless nothing came back at all.
        await logAndMark(CallGate.auditRecord(p, phase: "outcome", context: context, status: e.status,
                                              errorCode: e.errorCode ?? e.kind.rawValue, durationMs: ms),
                         e.status == nil ? nil : key) { journal, key in
            if applied { try await journal.markCompleted(key) } else { try await journal.markSettled(key) }
        }
        // Holding the answer would pass --max-memory: the run stops with the memory limit.
        if e.kind == .responseTooLarge { return RunResponseMemory.limit(for: e, calledAs: p.calledAs) }
        return APIError(e)
    }

    /// No answer: a failure on the way, or a call its run ended before it
    /// left (recorded as not sent). Returns the error to raise.
    private func unanswered(_ error: Error, _ p: PreparedCall, _ seq: Int) async -> Error {
        let text = "\(error)"
        let unsent = error is NotSent || (error as? HostError)?.message == CallSlots.runEnded.message
        gate?.update(seq) { $0.outcome = .failed; $0.message = text; $0.notSent = unsent }
        var outcome = CallGate.auditRecord(p, phase: "outcome", context: context, errorCode: unsent ? "NOT_SENT" : text)
        if unsent, case .object(var fields) = outcome {
            fields["sent"] = .bool(false); fields["message"] = .string(text); outcome = .object(fields)
        }
        await logAndMark(outcome, nil) { _, _ in }
        return error
    }

    /// The request itself: uncatalogued, an upload, or a catalogued call.
    private func request(_ p: PreparedCall) async throws -> DeskResult {
        if p.uncatalogued {
            return try await client.raw(method: p.operation.method, path: p.operation.path, query: p.query, body: p.body)
        }
        if !p.uploads.isEmpty {
            return try await client.upload(p.operation, path: p.path, query: p.query, files: p.uploads)
        }
        return try await client.call(p.operation, path: p.path, query: p.query, body: p.body)
    }

    private static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        Int((ContinuousClock.now - start) / .milliseconds(1))
    }

    /// The journal's in-flight mark, then the audit intent, both on disk
    /// before the request leaves. When either fails the call is not sent:
    /// a mark already written is settled (nothing is in doubt) and the
    /// error stops the call.
    private func markedBeforeSending(_ intent: AuditLog.PendingLine?, _ key: String?) async throws {
        if let key, let journal { try await journal.markInFlight(key) }
        do { try await intent?.written() } catch {
            if let key, let journal { await settle { try await journal.markSettled(key) } }
            throw error
        }
    }

    /// The audit line (reads have none) and the journal's mark (when `key`
    /// is given) go to different files: written side by side, and both on
    /// disk when this returns. The call has been answered by now, so a
    /// failed write is reported in the summary rather than raised.
    private func logAndMark(_ record: @autoclosure () -> JSON, _ key: String?,
                            _ mark: (Journal, String) async throws -> Void) async {
        let line = audit?.appending(record())
        if let key, let journal { await settle { try await mark(journal, key) } }
        await settle { try await line?.written() }
    }

    /// Runs a write of zdsh's own state whose failure is reported, not raised.
    private func settle(_ write: () async throws -> Void) async {
        do { try await write() } catch {
            gate?.noteStateFailure(error as? LocalStateError ?? LocalStateError("local state", error), heldBack: false)
        }
    }
}
