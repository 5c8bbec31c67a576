import DeskCatalog
import DeskCore
import JSONValue
import LuaHost

/// A dry run's mass action that sets fields on the records it lists
/// (`desk.tickets.update_many(ids, …)`, `markSpam`) reads each listed
/// record first, where the catalog has a GET for it, so the plan holds each
/// record's current values and apply can tell whether any changed since
/// (DriftRead). Each read is recorded and counted like any read and obeys
/// the call cap: over the cap, the ids left are not read and apply says
/// their drift is not checked. A read that fails leaves that id unread.
package struct MassCurrentValuesRead: Sendable {
    /// Per listed id, the GET of its record.
    let reads: [(id: String, read: PreparedCall, sequence: Int)]
    /// The fields the action sets on each record.
    let fields: [String: JSON]
    let plannedSequence: Int
    weak var gate: CallGate?
    let client: DeskClient

    func run() async {
        var before: [String: [String: JSON]] = [:]
        for r in reads {
            let start = ContinuousClock.now
            do {
                let result = try await CallSlots.holding { try await client.call(r.read.operation, path: r.read.path, query: r.read.query) }
                let ms = Int((ContinuousClock.now - start) / .milliseconds(1))
                gate?.update(r.sequence) { $0.status = result == .empty ? 204 : 200; $0.durationMs = ms }
                if case .json(let record) = result { before[r.id] = CurrentValuesRead.currentValues(of: fields, in: record).before }
            } catch {
                let status = (error as? DeskError)?.status
                gate?.update(r.sequence) { $0.outcome = .failed; $0.status = status; $0.message = "\(error)" }
            }
        }
        let unread = reads.count - before.count
        let values = before
        gate?.update(plannedSequence) {
            $0.beforeById = values
            if unread > 0 { $0.message = $0.message ?? "current values of \(unread) of \(reads.count) records unknown: not read" }
        }
    }
}

package extension CallGate {
    /// The reads a dry run makes before planning a mass action, each
    /// recorded and counted; nil when none applies.
    func massCurrentValuesRead(for call: GatedCall, plannedSequence: Int) -> MassCurrentValuesRead? {
        guard call.parts.count == 1, let p = call.parts.first, !call.uncatalogued,
              let ids = RecordRead.massIds(p.body), let fields = RecordRead.massFields(p.body) else { return nil }
        // The plan says where apply will not be able to tell drift.
        func unchecked(_ why: String) -> MassCurrentValuesRead? {
            update(plannedSequence) { $0.message = $0.message ?? "drift not checked: \(why)" }
            return nil
        }
        var gets: [(id: String, read: PreparedCall)] = []
        for id in PlanRoles.unique(ids) {
            guard let read = RecordRead.ofMassAction(p, id: id, fields: Array(fields.keys)) else {
                return unchecked("the spec has no GET for these records")
            }
            gets.append((id, read))
        }
        if fields.isEmpty { return unchecked("it names no field to compare") }
        let max = settings.maxCalls
        var reads: [(id: String, read: PreparedCall, sequence: Int)] = []
        for get in gets {
            let counted = ledger.withLock { state -> Bool in
                if let max, state.callCount + 1 > max { return false }
                state.callCount += 1
                return true
            }
            guard counted else { break }
            reads.append((get.id, get.read, record(get.read, .sent)))
        }
        guard !reads.isEmpty else { return nil }
        return MassCurrentValuesRead(reads: reads, fields: fields, plannedSequence: plannedSequence, gate: self, client: client)
    }
}
