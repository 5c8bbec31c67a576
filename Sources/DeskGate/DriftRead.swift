import DeskCatalog
import DeskCore
import JSONValue
import ShellCore

/// Apply's drift read: re-reads the records a plan's writes will change and
/// tells which fields no longer hold the value the plan was made from, so
/// apply never overwrites a change made after the plan.
///
/// The unit is a `Watch`: one record (its GET), the values it must still
/// hold, and what the write will set. Apply makes watches from a plan's
/// `before` values (`watches(call:…)`); anything else that must know
/// "did this record change since we looked" — `zdsh undo` comparing with
/// what an apply set — makes its own and calls `drifts(in:)`.
///
/// A field already at the value the write sets is not drift (sending it
/// again overwrites nothing). A record that is gone (404) is drift. Any
/// other failed read throws: drift that cannot be checked fails closed.
package struct DriftRead: Sendable {
    /// One record to re-read and the values it must still hold.
    package struct Watch: Sendable {
        /// The plan's call number, for messages.
        package let call: Int
        /// The record's id.
        package let record: String
        /// The GET of the record.
        package let read: PreparedCall
        /// Field → the value the plan (or the apply) saw.
        package let expected: [String: JSON]
        /// Field → the value the write will set.
        package let planned: [String: JSON]
    }

    /// One field that changed since it was read.
    package struct Drift: Sendable, Equatable {
        package let call: Int
        package let record: String
        package let field: String
        package let expected: JSON
        /// Nil: the record (or the field) is gone.
        package let current: JSON?

        /// `call 2, record 1892…: assigneeId: plan "…130002" → now "…130004"`.
        package var line: String {
            let now = current.map { PlanRenderer(calls: []).summary($0) } ?? "(gone)"
            let what = field.isEmpty ? "the record" : Terminal.visible(field)
            return "call \(call), record \(Terminal.visible(record)): \(what): plan \(field.isEmpty ? "(exists)" : PlanRenderer(calls: []).summary(expected)) → now \(now)"
        }
    }

    /// A read that failed for another reason than the record being gone.
    package struct Unreadable: Error, CustomStringConvertible {
        package let watch: Watch
        package let error: Error
        package var description: String {
            "cannot check drift: \(watch.read.operation.id) of record \(Terminal.visible(watch.record)) failed (\(Terminal.visible("\(error)")))"
        }
    }

    /// What apply can check of one planned call.
    package struct Coverage: Sendable {
        package var watches: [Watch] = []
        /// Why (part of) the call's drift is not checked; nil when all of it is,
        /// or when it changes no existing record (a create).
        package var unchecked: String?
    }

    struct NoRecord: Error, CustomStringConvertible {
        var description: String { "the answer holds no record" }
    }

    let client: DeskClient

    package init(client: DeskClient) { self.client = client }

    /// Reads every watched record once, in order, and answers the fields
    /// that drifted. Throws `Unreadable` when a read fails other than 404.
    package func drifts(in watches: [Watch]) async throws -> [Drift] {
        var found: [Drift] = []
        for w in watches {
            let result: DeskResult
            do {
                result = try await client.call(w.read.operation, path: w.read.path, query: w.read.query)
            } catch let e as DeskError where e.status == 404 {
                found.append(Drift(call: w.call, record: w.record, field: "", expected: .bool(true), current: nil))
                continue
            } catch {
                throw Unreadable(watch: w, error: error)
            }
            guard case .json(let record) = result else { throw Unreadable(watch: w, error: NoRecord()) }
            found += Self.compare(w, with: record)
        }
        return found
    }

    /// The fields of `record` that hold neither the expected value nor the planned one.
    static func compare(_ w: Watch, with record: JSON) -> [Drift] {
        let current = CurrentValuesRead.currentValues(of: w.expected, in: record).before
        return w.expected.keys.sorted().compactMap { field in
            let expected = w.expected[field]!
            guard let now = current[field] else {
                return Drift(call: w.call, record: w.record, field: field, expected: expected, current: nil)
            }
            if same(now, expected) { return nil }
            if let planned = w.planned[field], same(now, planned) { return nil }
            return Drift(call: w.call, record: w.record, field: field, expected: expected, current: now)
        }
    }

    /// Equal values, an id given as a number or a string being the same id.
    static func same(_ a: JSON, _ b: JSON) -> Bool {
        FieldChange(before: a, name: nil, after: b).isNoOp
    }
}
