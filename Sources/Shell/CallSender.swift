import DeskCatalog
import DeskCore
import Foundation
import JSONValue
import LuaHost

extension CallGate {
    /// The last stage: records the call as sent and suspends the calling
    /// coroutine while the parts go out, one after another.
    func send(_ call: GatedCall, verifyingFirst read: DeskCatalog.Operation?) -> HostResult {
        let sender = CallSender(gate: self, call: call, sequences: call.parts.map { record($0, .sent) }, client: client,
                                audit: call.effect.safety == .read ? nil : audit, journal: journal,
                                context: settings.auditContext)
        return .suspend {
            if let read, let skipped = try await sender.verify(with: read) { return skipped }
            return try await sender.sendAll()
        }
    }
}

/// Sends one gated call off the Lua thread: audit intent, journal mark,
/// the request, then its outcome in the record, the audit log and the journal.
struct CallSender: Sendable {
    /// Not retained: a run that ended need not keep its gate for a late answer.
    weak var gate: CallGate?
    let call: GatedCall
    /// The call record of each part.
    let sequences: [Int]
    let client: DeskClient
    let audit: AuditLog?
    let journal: Journal?
    let context: [String: JSON]

    /// A resumed run's deletion whose outcome was unknown: the "skipped"
    /// value when reading shows it was applied, nil when it must be sent.
    func verify(with read: DeskCatalog.Operation) async throws -> [JSON]? {
        guard let p = call.parts.first else { return nil }
        switch await OutcomeCheck.check(p, with: read, client: client) {
        case .applied:
            await journal?.markCompleted(p)
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
        do { try await HelpCenterCheck.verify(p, client: client) } catch let e as DeskError {
            gate?.update(seq) { $0.outcome = .failed; $0.message = e.message }
            throw APIError(e)
        }
        await audit?.append(CallGate.auditRecord(p, phase: "intent", context: context))
        if p.effect.safety != .read { await journal?.markInFlight(p) }
        let start = Date()
        do {
            let r: DeskResult
            if p.uncatalogued {
                r = try await client.raw(method: p.operation.method, path: p.operation.path, query: p.query, body: p.body)
            } else if !p.uploads.isEmpty {
                r = try await client.upload(p.operation, path: p.path, query: p.query, files: p.uploads)
            } else {
                r = try await client.call(p.operation, path: p.path, query: p.query, body: p.body)
            }
            let ms = Int(Date().timeIntervalSince(start) * 1000)
            let outcomes = p.effect.safety == .read ? nil : RecordOutcomes(r)
            let status = r == .empty ? 204 : 200
            gate?.update(seq) { $0.status = status; $0.durationMs = ms; $0.outcomes = outcomes }
            await audit?.append(CallGate.auditRecord(p, phase: "outcome", context: context, status: status,
                                                     durationMs: ms, outcomes: outcomes))
            if let outcomes, outcomes.isPartial {
                await journal?.markPartial(p, succeeded: outcomes.succeeded)
            } else if p.effect.safety != .read {
                await journal?.markCompleted(p)
            }
            return (r, outcomes)
        } catch let e as DeskError {
            let ms = Int(Date().timeIntervalSince(start) * 1000)
            // Zoho answered: the outcome is known (no change), unless nothing came back at all.
            if e.status != nil { await journal?.markSettled(p) }
            gate?.update(seq) { $0.outcome = .failed; $0.status = e.status; $0.errorCode = e.errorCode; $0.message = e.message; $0.durationMs = ms }
            await audit?.append(CallGate.auditRecord(p, phase: "outcome", context: context, status: e.status,
                                                     errorCode: e.errorCode ?? e.kind.rawValue, durationMs: ms))
            throw APIError(e)
        } catch {
            let text = "\(error)"
            gate?.update(seq) { $0.outcome = .failed; $0.message = text }
            await audit?.append(CallGate.auditRecord(p, phase: "outcome", context: context, errorCode: text))
            throw error
        }
    }
}
