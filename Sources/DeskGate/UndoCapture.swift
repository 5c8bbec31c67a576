import DeskCatalog
import DeskCore
import JSONValue
import LuaHost

/// What a live run keeps of a mutating call for `zdsh undo` (UndoLog.swift):
/// the call and its answer, and for an update the inverse restores field by
/// field (restore-fields), the values before — read just before the write.
///
/// That read is the dry run's read of current values made live: the same
/// GET, recorded and counted as a call, within the call cap (over it: no
/// read, and undo lists the call as not undoable), never made against a
/// deny. `--no-undo` skips it. The other kinds need no read: the call's own
/// arguments and answer fix their inverse.
package struct UndoCapture: Sendable {
    /// The read of the values before, made just before the write.
    struct BeforeRead: Sendable {
        let read: PreparedCall
        /// The read's call record.
        let sequence: Int
        /// The fields the write sets (id lists aside).
        let fields: [String: JSON]
    }

    let redactor: Redactor
    var before: BeforeRead?
    /// A membership change's read of the members before (UndoMembershipRead.swift).
    var members: MembershipRead?

    /// Files the answered call in the undo log, before its completion mark:
    /// a call marked complete is one undo knows.
    func file(_ p: PreparedCall, before: [String: JSON]?, answer: DeskResult, outcomes: RecordOutcomes?, in journal: Journal) async throws {
        try await journal.writeGrouped(journal.recordForUndo(p, before: before, answer: answer, outcomes: outcomes, redactor: redactor))
    }

    /// Reads the record and answers the values of the fields the write
    /// sets; nil when the read failed (the call is then not undoable, and
    /// the write still goes: the operator did not ask for undo to block it).
    func readBefore(client: DeskClient, gate: CallGate?) async -> [String: JSON]? {
        if let members { return await members.read(client: client, gate: gate) }
        guard let before else { return nil }
        let start = ContinuousClock.now
        do {
            let read = before.read
            let result = try await CallSlots.holding { try await client.call(read.operation, path: read.path, query: read.query) }
            let ms = Int((ContinuousClock.now - start) / .milliseconds(1))
            gate?.update(before.sequence) { $0.status = result == .empty ? 204 : 200; $0.durationMs = ms }
            guard case .json(let record) = result else { return nil }
            return CurrentValuesRead.currentValues(of: before.fields, in: record).before
        } catch let e as DeskError {
            gate?.update(before.sequence) { $0.outcome = .failed; $0.status = e.status; $0.errorCode = e.errorCode; $0.message = e.message }
            return nil
        } catch {
            let text = "\(error)"
            gate?.update(before.sequence) { $0.outcome = .failed; $0.message = text }
            return nil
        }
    }
}

package extension CallGate {
    /// What to keep of `call` for undo: nil when nothing is journalled (no
    /// journal, a dry run, a read, a request outside the catalog).
    func undoCapture(for call: GatedCall) -> UndoCapture? {
        let settings = self.settings
        guard journal != nil, !settings.dryRun, call.mutates, !call.uncatalogued else { return nil }
        var capture = UndoCapture(redactor: Redactor(connection: client.connection))
        let kind = InverseFact.of(call.operation.id)?.kind
        if settings.recordBeforeValues, kind == .membership, let read = MembershipRead(call), policy.denies(read.list.id) == nil {
            capture.members = read
            return capture
        }
        guard settings.recordBeforeValues, kind == .restoreFields,
              let get = CurrentValuesRead.readCall(for: call), policy.denies(get.operation.id) == nil,
              case .object(let body)? = call.first.body,
              let read = currentValuesRead(for: call) else { return capture }
        capture.before = UndoCapture.BeforeRead(read: read.read, sequence: read.sequence,
                                                fields: body.filter { !PlanRoles.isIdList($0.key, $0.value) })
        return capture
    }
}
