import DeskCatalog
import DeskCore
import JSONValue
import LuaHost

/// A dry run's update of one record reads that record first, so the plan
/// can show each field it sets as before → after (the way Terraform does).
///
/// Only a write (never a destructive call, never a request outside the
/// catalog) of one record — PATCH or PUT on a path ending in the record's
/// id — whose path the catalog also has a GET for (found by the catalog's
/// own path matching, whatever the id is named) is read. The read goes
/// through the same client, is recorded and counted as a call, and obeys
/// the call cap (over the cap: no read, the plan shows after-only). A read
/// that fails leaves the plan after-only too; it never fails the run.
package struct CurrentValuesRead: Sendable {
    /// The GET of the record the write updates.
    let read: PreparedCall
    /// The fields the write sets (id lists aside), whose current values the plan shows.
    let fields: [String: JSON]
    /// Call records of the read and of the planned write.
    let readSequence: Int
    let plannedSequence: Int
    weak var gate: CallGate?
    let client: DeskClient

    /// The read to make for a planned write, nil when none applies.
    static func readCall(for call: GatedCall) -> PreparedCall? {
        guard call.effect.safety == .write, call.parts.count == 1, let p = call.parts.first else { return nil }
        return RecordRead.ofUpdate(p)
    }

    /// A template with its placeholders unnamed: the GET of a record may name
    /// its id differently (`{teamId}` vs the update's `{team_id}`), but it
    /// must be the same path, not a literal route an odd id happens to match.
    static func shape(of template: String) -> String {
        template.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("{") && $0.hasSuffix("}") ? "{}" : String($0) }.joined(separator: "/")
    }

    /// `include=assignee` when the write sets `assigneeId` and the GET can
    /// embed the assignee: its name then shows next to the id.
    static func includes(_ get: DeskCatalog.Operation, for fields: [String]) -> [String: String] {
        guard let include = get.parameters.first(where: { $0.location == .query && $0.name == "include" }),
              let allowed = include.schema.items?.enumValues ?? include.schema.enumValues else { return [:] }
        let wanted = fields.sorted().compactMap(stem).filter(allowed.contains)
        return wanted.isEmpty ? [:] : ["include": wanted.joined(separator: ",")]
    }

    /// `assigneeId` → "assignee".
    static func stem(_ field: String) -> String? {
        field.hasSuffix("Id") && field.count > 2 ? String(field.dropLast(2)) : nil
    }

    /// Reads the record and files the current values with the planned call.
    func run() async {
        let start = ContinuousClock.now
        do {
            let result = try await CallSlots.holding { try await client.call(read.operation, path: read.path, query: read.query) }
            let ms = Int((ContinuousClock.now - start) / .milliseconds(1))
            gate?.update(readSequence) { $0.status = result == .empty ? 204 : 200; $0.durationMs = ms }
            guard case .json(let record) = result else { return }
            let (before, names) = Self.currentValues(of: fields, in: record)
            gate?.update(plannedSequence) { $0.before = before; $0.beforeNames = names.isEmpty ? nil : names }
        } catch let e as DeskError {
            gate?.update(readSequence) { $0.outcome = .failed; $0.status = e.status; $0.errorCode = e.errorCode; $0.message = e.message }
            noteUnread(e.status.map { "\(read.operation.id) answered \($0)" } ?? "\(read.operation.id) failed")
        } catch {
            let text = "\(error)"
            gate?.update(readSequence) { $0.outcome = .failed; $0.message = text }
            noteUnread("\(read.operation.id) failed")
        }
    }

    /// The plan says why it shows after-only values: a record that cannot
    /// be read now (404) is one the write will likely not find either.
    private func noteUnread(_ why: String) {
        gate?.update(plannedSequence) { $0.message = $0.message ?? "current values unknown: \(why)" }
    }

    /// The record's value of each field it has, and for an id field whose
    /// object sits next to it (`assignee` beside `assigneeId`), that object's
    /// name. Of an object the write sets only some keys of (`cf`), only those
    /// keys: the rest does not change.
    static func currentValues(of fields: [String: JSON], in record: JSON) -> (before: [String: JSON], names: [String: String]) {
        guard case .object(let r) = record else { return ([:], [:]) }
        var before: [String: JSON] = [:], names: [String: String] = [:]
        for (f, after) in fields {
            guard let value = r[f] else { continue }
            if case .object(let set) = after, case .object(let current) = value {
                before[f] = .object(Dictionary(uniqueKeysWithValues: set.keys.map { ($0, current[$0] ?? .null) }))
            } else {
                before[f] = value
            }
            if let s = stem(f), let object = r[s], let name = displayName(object) { names[f] = name }
        }
        return (before, names)
    }

    static func displayName(_ object: JSON) -> String? {
        guard case .object(let o) = object else { return nil }
        if let name = o["name"]?.stringValue, !name.isEmpty { return name }
        let parts = [o["firstName"]?.stringValue, o["lastName"]?.stringValue].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}

package extension CallGate {
    /// The read a dry run makes before planning `call`, recorded and
    /// counted; nil when none applies or the call cap leaves no room.
    func currentValuesRead(for call: GatedCall) -> (read: PreparedCall, sequence: Int)? {
        guard let read = CurrentValuesRead.readCall(for: call) else { return nil }
        let max = settings.maxCalls
        let counted = ledger.withLock { state -> Bool in
            if let max, state.callCount + 1 > max { return false }
            state.callCount += 1
            return true
        }
        guard counted else { return nil }
        return (read, record(read, .sent))
    }
}
