import DeskCatalog
import DeskCore
import JSONValue
import LuaHost
import Synchronization

/// The help-center argument of bindings whose endpoint ignores it. Every
/// `helpcenter.*` binding takes the help-center id first, but Zoho's label,
/// group and badge endpoints address the record by its own id alone. Where
/// one read tells which help center the record belongs to (labels and groups
/// carry `helpCenterId`), a destructive call is checked against it before it
/// is sent, so `remove_users(wrong_hc, label, …)` fails instead of acting on
/// another help center's label. Where no read can tell (badges, a user's
/// label or group lists), `zdsh api show` says the argument is not used.
package enum HelpCenterCheck {
    struct Reader: Sendable {
        /// The read operation and the path parameter both calls share.
        let operationId: String
        let idParameter: String
    }

    /// Destructive operations → the read that tells the record's help center.
    static let readers: [String: Reader] = [
        "deleteLabel": Reader(operationId: "getLabel", idParameter: "labelId"),
        "removeLabelsFromUsers": Reader(operationId: "getLabel", idParameter: "labelId"),
        "deleteHelpCenterUserGroup": Reader(operationId: "getHelpCenterGroup", idParameter: "groupId"),
        "deleteHCGroupUsers": Reader(operationId: "getHelpCenterGroup", idParameter: "groupId"),
    ]

    /// What `zdsh api show` says about the help-center argument of `op`.
    static func note(for op: DeskCatalog.Operation) -> String {
        if let reader = readers[op.id] {
            return "not sent (the endpoint does not take it); checked before sending: \(reader.operationId) must name the same help center"
        }
        return "not sent and not checked: the endpoint does not take it and no single read tells the record's help center"
    }

    /// Throws when the record named by `call` belongs to another help center
    /// than the one the runbook gave. Silent when the call has no such
    /// argument, no read can tell, or the read does not say.
    static func verify(_ call: PreparedCall, client: DeskClient, checked: VerifiedKeys) async throws {
        guard let given = call.unusedHelpCenterId, let reader = readers[call.operation.id],
              let id = call.path[reader.idParameter],
              let read = Catalog.shared.operation(id: reader.operationId) else { return }
        // A record never moves between help centers: one read per record and
        // help center per gate (a session), however many calls a loop makes.
        let key = [client.connection.orgId ?? "-", reader.operationId, id, given].joined(separator: "#")
        try await checked.check(key) {
            // A read like any other call of the calling desk.each: it holds one of its slots.
            guard case .json(let record) = try await CallSlots.holding({ try await client.call(read, path: [reader.idParameter: id]) }),
                  let owner = record["helpCenterId"].flatMap(idText), owner != given else { return }
            throw DeskError(kind: .invalidArgument,
                            message: "\(reader.idParameter) \(id) belongs to help center \(owner), not \(given); nothing was sent",
                            operationId: call.operation.id,
                            hint: "Pass the help center the record belongs to (\(call.calledAs)'s first argument).")
        }
    }

    private static func idText(_ value: JSON) -> String? {
        value.stringValue ?? value.intValue.map { String($0) }
    }
}

/// The records a gate has checked: concurrent calls on one record wait
/// for the same read; a failed check is forgotten so the next call reads
/// again (and a network error is not taken for an answer). Bounded: past
/// `capacity` records it starts afresh. A record already checked is
/// answered under the lock, without suspending: a loop over one label
/// pays for its read once and nothing after.
package final class VerifiedKeys: Sendable {
    private struct Checks {
        var running: [String: Task<Void, Error>] = [:]
        var passed: Set<String> = []
    }
    private let checks = Mutex(Checks())
    static let capacity = 10_000

    func check(_ key: String, _ read: @escaping @Sendable () async throws -> Void) async throws {
        let task = checks.withLock { c -> Task<Void, Error>? in
            if c.passed.contains(key) { return nil }
            if let running = c.running[key] { return running }
            if c.running.count + c.passed.count >= Self.capacity { c = Checks() }
            let task = Task { try await read() }
            c.running[key] = task
            return task
        }
        guard let task else { return }
        do {
            try await task.value
            checks.withLock { c in
                if c.running.removeValue(forKey: key) != nil { c.passed.insert(key) }
            }
        } catch {
            checks.withLock { _ = $0.running.removeValue(forKey: key) }
            throw error
        }
    }
}
