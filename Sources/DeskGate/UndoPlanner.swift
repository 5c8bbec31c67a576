import DeskCatalog
import Foundation
import JSONValue
import ShellCore

/// Turns what a run sent (its undo log) into the calls that revert it, by
/// catalog/inverses.tsv, newest first — and the calls nothing reverts, each
/// with why. The calls are ordinary planned calls: a plan of them is signed,
/// shown and applied like any other (UndoPlan.swift), so every inverse is
/// derived again, granted, capped and drift-checked by apply.
///
/// Updates of one record are merged: the record goes back to the values it
/// had before the run's first change of each field, and the drift check
/// expects what the run's last change left (as Zoho answered it).
package struct UndoPlanner {
    /// A call the undo plan does not revert.
    package struct NotUndone: Sendable, Equatable {
        package let operation: String
        package let path: String
        package let reason: String
        package var line: String { "\(operation) \(Terminal.visible(path)): \(Terminal.visible(reason))" }
    }

    /// An inverse being assembled (restore-fields merge into one per record).
    private struct Pending {
        let operation: DeskCatalog.Operation
        var path: [String: String]
        var query: [String: String]
        var body: [String: JSON]
        /// restore-fields: field → the value the run left (the drift check's expectation).
        var expected: [String: JSON]? = nil
    }

    let entries: [UndoEntry]

    package init(entries: [UndoEntry]) { self.entries = entries }

    /// The inverse calls, newest change first, and what is not undone.
    package func plan() -> (calls: [CallRecord], notUndone: [NotUndone]) {
        var pending: [Pending] = []
        var merged: [String: Int] = [:]
        var notUndone: [NotUndone] = []
        for entry in entries.reversed() {
            guard let op = Catalog.shared.operation(id: entry.operation) else { continue }
            let path = concretePath(op.path, entry.path)
            func skip(_ why: String) { notUndone.append(NotUndone(operation: op.id, path: path, reason: why)) }
            let fact = InverseFact.of(op.id) ?? InverseFact(kind: .irreversible, reason: "not in catalog/inverses.tsv")
            if fact.kind != .irreversible && entry.redacted { skip("a value of it looked like a credential and was not kept"); continue }
            switch fact.kind {
            case .irreversible: skip(fact.reason ?? "nothing in the API takes it back")
            case .restoreFields:
                guard let restore = restoreFields(entry, op) else {
                    skip("its values before were not read (--no-undo, the call cap, a deny, or the read failed)"); continue
                }
                let key = op.id + " " + path
                if let at = merged[key] {
                    // An earlier change of the same record: its values before win.
                    pending[at].body.merge(restore.body) { _, earlier in earlier }
                    pending[at].expected?.merge(restore.expected ?? [:]) { later, _ in later }
                } else {
                    merged[key] = pending.count
                    pending.append(restore)
                }
                let unread = Set((entry.body?.objectValue ?? [:]).keys).subtracting((entry.before ?? [:]).keys)
                    .filter { !PlanRoles.isIdList($0, entry.body?[$0] ?? .null) }
                if !unread.isEmpty { skip("field\(unread.count == 1 ? "" : "s") \(unread.sorted().joined(separator: ", ")) had no value before to restore") }
            default:
                do { pending.append(try inverse(entry, op, fact)) } catch is NothingChanged {} catch { skip("\(error)") }
            }
        }
        var calls: [CallRecord] = []
        for p in pending {
            do { calls.append(try record(p, sequence: calls.count + 1)) } catch {
                notUndone.append(NotUndone(operation: p.operation.id, path: concretePath(p.operation.path, p.path), reason: "\(error)"))
            }
        }
        return (calls, notUndone)
    }

    /// The same update with each field set back; nil when nothing was read before.
    private func restoreFields(_ entry: UndoEntry, _ op: DeskCatalog.Operation) -> Pending? {
        guard let before = entry.before, !before.isEmpty else { return nil }
        let after = entry.result["after"]?.objectValue ?? [:]
        return Pending(operation: op, path: entry.path, query: entry.query, body: before,
                       expected: after.filter { before[$0.key] != nil })
    }

    struct Unmappable: Error, CustomStringConvertible {
        let description: String
    }

    /// A membership call that changed no membership: nothing to revert.
    struct NothingChanged: Error {}

    /// Of a membership call's ids, those it changed, when the members before
    /// were read: an add's ids that were not members, a remove's that were.
    static func changed(_ ids: JSON, _ entry: UndoEntry, _ fact: InverseFact) -> JSON {
        guard let members = entry.before?["members"]?.arrayValue?.compactMap(\.stringValue), let list = ids.arrayValue else { return ids }
        let adds = MembershipRead.adds.contains(entry.operation)
        let known = Set(members.map { $0.lowercased() })
        return .array(list.filter { id in
            let member = ArgumentBinder.scalarString(id).map { known.contains($0.lowercased()) } ?? false
            return adds ? !member : member
        })
    }

    /// The inverse of a membership change, a move to the trash or a create, by the table's mapping.
    private func inverse(_ entry: UndoEntry, _ op: DeskCatalog.Operation, _ fact: InverseFact) throws -> Pending {
        guard let name = fact.inverse, let inverse = Catalog.shared.operation(id: name) else {
            throw Unmappable(description: "its inverse \(fact.inverse ?? "?") is not in the catalog")
        }
        let names = Set(inverse.parameters.filter { $0.location == .path }.map(\.name))
        var path = entry.path.filter { names.contains($0.key) }
        var body = entry.body?.objectValue ?? [:]
        switch (fact.kind, fact.mapped) {
        case (.deleteCreated, let map?):
            guard let id = entry.result["id"].flatMap(ArgumentBinder.scalarString) else {
                throw Unmappable(description: "the answer held no id of the record it created")
            }
            if map.target.hasPrefix("{") {
                path[String(map.target.dropFirst().dropLast())] = id
                body = [:]
            } else {
                body = [String(map.target.dropLast(2)): .array([.string(id)])]
            }
        case (_, let map?):
            guard let value = body[map.source] else { throw Unmappable(description: "its body held no \(map.source)") }
            let ids = Self.changed(Self.ids(of: value, succeeded: entry.result["succeeded"]), entry, fact)
            body = [map.target: Self.shaped(ids, as: inverse.body?.schema.properties?[map.target]?.items)]
        default:
            if let succeeded = entry.result["succeeded"]?.arrayValue {
                for (k, v) in body where PlanRoles.isIdList(k, v) { body[k] = .array(succeeded) }
            }
            for (k, v) in body where fact.kind == .membership && v.arrayValue != nil {
                body[k] = Self.changed(Self.ids(of: v, succeeded: nil), entry, fact)
            }
        }
        if fact.kind == .membership, body.values.contains(where: { $0.arrayValue?.isEmpty == true }) {
            throw NothingChanged()
        }
        return Pending(operation: inverse, path: path, query: [:], body: body)
    }

    /// A list of ids or of objects with one (`[{id = …}]`), as a list of ids;
    /// only those that succeeded when the call partly failed.
    static func ids(of value: JSON, succeeded: JSON?) -> JSON {
        let all = (value.arrayValue ?? [value]).compactMap { item -> JSON? in
            if case .object(let o) = item { return o["id"] }
            return item
        }
        guard let done = succeeded?.arrayValue?.compactMap(\.stringValue) else { return .array(all) }
        return .array(all.filter { ArgumentBinder.scalarString($0).map { done.contains($0) } ?? false })
    }

    /// Ids as the inverse's field takes them: as they are, or as objects
    /// (`users = {{id = …}}`) whose other required flags are false (a label
    /// given back is not made primary).
    static func shaped(_ ids: JSON, as item: DeskCatalog.Schema?) -> JSON {
        guard let item, item.types.contains("object"), let list = ids.arrayValue else { return ids }
        let flags = item.requiredProperties.filter { $0 != "id" && item.properties?[$0]?.types.contains("boolean") == true }
        return .array(list.map { id in
            .object(Dictionary(uniqueKeysWithValues: [("id", id)] + flags.map { ($0, JSON.bool(false)) }))
        })
    }

    /// The planned call: bound as a live call binds it, so apply derives the same.
    private func record(_ p: Pending, sequence: Int) throws -> CallRecord {
        let parts = try ArgumentBinder.bind(operation: p.operation, calledAs: OperationNames.preferred(p.operation.id),
                                            path: p.path, query: p.query, body: p.body.isEmpty ? nil : .object(p.body))
        guard parts.count == 1, let c = parts.first else {
            throw Unmappable(description: "its inverse holds more ids than one \(p.operation.id) request accepts")
        }
        let effect = c.effect
        var r = CallRecord(sequence: sequence, operationId: c.operation.id, calledAs: c.calledAs, method: c.operation.method,
                           path: concretePath(c.operation.path, c.path), query: c.query, body: c.body, ids: c.ids,
                           safety: effect.safety, outcome: .planned, status: nil, errorCode: nil, message: nil, durationMs: nil,
                           rule: effect.rule?.id ?? effect.notifyRule?.id, records: c.records, notifies: effect.notifies)
        r.before = p.expected
        return r
    }
}
