import DeskCatalog
import JSONValue

package extension DriftRead {
    /// The watches of one planned call, from the values its plan recorded:
    /// `before` for an update of one record, `before_by_id` for a mass
    /// action. A call that changes existing records the plan holds no values
    /// for says why its drift is not checked; a create has nothing to check.
    static func coverage(call index: Int, _ p: PreparedCall, recorded: [String: JSON]) -> Coverage {
        if let ids = RecordRead.massIds(p.body), let fields = RecordRead.massFields(p.body) {
            return massCoverage(call: index, p, ids: PlanRoles.unique(ids), fields: fields, recorded: recorded["before_by_id"])
        }
        guard ["PATCH", "PUT"].contains(p.operation.method), let read = RecordRead.ofUpdate(p) else {
            let changesRecord = ["PATCH", "PUT"].contains(p.operation.method)
            return Coverage(unchecked: changesRecord ? "the spec has no GET for this record" : nil)
        }
        guard case .object(let before)? = recorded["before"], !before.isEmpty, case .object(let body)? = p.body else {
            let why = p.effect.safety == .destructive ? "the dry run does not read a record a destructive call changes"
                : "the dry run could not read the record"
            return Coverage(unchecked: why)
        }
        return Coverage(watches: [Watch(call: index, record: pathId(p) ?? concretePath(p.operation.path, p.path), read: read,
                                        expected: before, planned: body.filter { before[$0.key] != nil })])
    }

    /// A watch on the record a one-record update (`p`) changes: it must
    /// still hold `expected`; a field already at what `p` sets is no drift.
    /// Nil when the catalog has no GET for that record. (How `zdsh undo`
    /// checks that nobody changed a record since an apply set it.)
    static func watch(call index: Int, update p: PreparedCall, expecting expected: [String: JSON]) -> Watch? {
        guard let read = RecordRead.ofUpdate(p), case .object(let body)? = p.body else { return nil }
        return Watch(call: index, record: pathId(p) ?? concretePath(p.operation.path, p.path), read: read,
                     expected: expected, planned: body.filter { expected[$0.key] != nil })
    }

    private static func massCoverage(call index: Int, _ p: PreparedCall, ids: [String], fields: [String: JSON],
                                     recorded: JSON?) -> Coverage {
        var coverage = Coverage()
        guard let first = ids.first, RecordRead.ofMassAction(p, id: first, fields: Array(fields.keys)) != nil else {
            return Coverage(unchecked: "the spec has no GET for these records")
        }
        guard !fields.isEmpty else { return Coverage(unchecked: "it names no field to compare") }
        let byId = recorded?.objectValue ?? [:]
        var unread = 0
        for id in ids {
            guard let read = RecordRead.ofMassAction(p, id: id, fields: Array(fields.keys)) else {
                return Coverage(unchecked: "the spec has no GET for these records")
            }
            guard case .object(let before)? = byId[id], !before.isEmpty else { unread += 1; continue }
            coverage.watches.append(Watch(call: index, record: id, read: read, expected: before,
                                          planned: fields.filter { before[$0.key] != nil }))
        }
        if unread > 0 { coverage.unchecked = "the dry run did not read \(unread) of \(ids.count) records" }
        return coverage
    }

    /// The id a one-record path ends in (`/tickets/{ticketId}` → its value).
    private static func pathId(_ p: PreparedCall) -> String? {
        guard let last = p.operation.path.split(separator: "/").last, last.hasPrefix("{"), last.hasSuffix("}") else { return nil }
        return p.path[String(last.dropFirst().dropLast())]
    }
}
