import DeskCatalog
import DeskCore
import JSONValue

/// The help-center argument of bindings whose endpoint ignores it. Every
/// `helpcenter.*` binding takes the help-center id first, but Zoho's label,
/// group and badge endpoints address the record by its own id alone. Where
/// one read tells which help center the record belongs to (labels and groups
/// carry `helpCenterId`), a destructive call is checked against it before it
/// is sent, so `remove_users(wrong_hc, label, …)` fails instead of acting on
/// another help center's label. Where no read can tell (badges, a user's
/// label or group lists), `zdsh api show` says the argument is not used.
enum HelpCenterCheck {
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
    static func verify(_ call: PreparedCall, client: DeskClient) async throws {
        guard let given = call.unusedHelpCenterId, let reader = readers[call.operation.id],
              let id = call.path[reader.idParameter],
              let read = Catalog.shared.operation(id: reader.operationId) else { return }
        // A record never moves between help centers: one read per record and
        // help center per process, however many calls a loop makes.
        let key = [client.connection.apiURL, client.connection.orgId ?? "-", reader.operationId, id, given].joined(separator: "#")
        guard await verified.insertIfAbsent(key) else { return }
        do {
            guard case .json(let record) = try await client.call(read, path: [reader.idParameter: id]),
                  let owner = record["helpCenterId"].flatMap(idText), owner != given else { return }
            throw DeskError(kind: .invalidArgument,
                            message: "\(reader.idParameter) \(id) belongs to help center \(owner), not \(given); nothing was sent",
                            operationId: call.operation.id,
                            hint: "Pass the help center the record belongs to (\(call.calledAs)'s first argument).")
        } catch {
            await verified.remove(key)
            throw error
        }
    }

    private static let verified = VerifiedKeys()

    private static func idText(_ value: JSON) -> String? {
        value.stringValue ?? value.intValue.map { String($0) }
    }
}

/// The records already checked in this process (bounded: a long run that
/// checks more forgets the oldest half and reads again).
private actor VerifiedKeys {
    private var keys: [String: Int] = [:]
    private var counter = 0
    static let capacity = 10_000

    /// True when `key` was not there (and now is).
    func insertIfAbsent(_ key: String) -> Bool {
        guard keys[key] == nil else { return false }
        if keys.count >= Self.capacity {
            let cutoff = counter - Self.capacity / 2
            keys = keys.filter { $0.value > cutoff }
        }
        counter += 1
        keys[key] = counter
        return true
    }

    func remove(_ key: String) { keys[key] = nil }
}
