import DeskCatalog
import DeskCore
import JSONValue
import LuaHost

/// Before a membership add, which of its ids were members already: the
/// add's undo then removes only the ids it really added. The members are
/// read from the list operation of the same record, page by page (each page
/// a recorded, counted call within the call cap); a list longer than
/// `maxPages` pages, a page over the cap or a failed read leaves it unknown,
/// and the undo then removes every id the add named. Removes are not read
/// before (a bulk removal would pay a list read per call): their undo adds
/// back every id they named.
package struct MembershipRead: Sendable {
    /// How one membership operation's members are read.
    struct Reader: Sendable {
        /// The list operation (same path parameters as the write).
        let list: String
        /// The write's body field holding the ids (or names).
        let field: String
        /// What identifies a member in the list's items.
        let key: String
    }

    static let readers: [String: Reader] = [
        "assignLabelToUsers": Reader(list: "getUsersByLabel", field: "userIds", key: "id"),
        "addHelpCenterGroupUsers": Reader(list: "getHelpCenterGroupUsers", field: "users", key: "id"),
        "associateTicketTags": Reader(list: "getTicketTags", field: "tags", key: "name"),
    ]
    static let maxPages = 4
    /// The operations whose members are read (all adds).
    static var adds: Set<String> { Set(readers.keys) }

    let reader: Reader
    let list: DeskCatalog.Operation
    let path: [String: String]
    /// The ids (or names) the write names.
    let named: [String]

    init?(_ call: GatedCall) {
        guard let reader = Self.readers[call.operation.id], call.parts.count == 1,
              let list = Catalog.shared.operation(id: reader.list), let value = call.first.body?[reader.field] else { return nil }
        self.reader = reader; self.list = list
        let names = Set(list.parameters.filter { $0.location == .path }.map(\.name))
        path = call.first.path.filter { names.contains($0.key) }
        named = (UndoPlanner.ids(of: value, succeeded: nil).arrayValue ?? []).compactMap(ArgumentBinder.scalarString)
    }

    /// `["members": [the named ids that are members now]]`, or nil when unknown.
    func read(client: DeskClient, gate: CallGate?) async -> [String: JSON]? {
        guard let gate else { return nil }
        let pageSize = list.maxPageSize
        var members = Set<String>()
        for page in 0..<(pageSize == nil ? 1 : Self.maxPages) {
            let query = pageSize.map { ["from": String(page * $0 + 1), "limit": String($0)] } ?? [:]
            guard let p = try? ArgumentBinder.bind(operation: list, calledAs: OperationNames.preferred(list.id), path: path,
                                                   query: query, body: nil).first,
                  let sequence = gate.countedRead(p) else { return nil }
            do {
                let result = try await CallSlots.holding { try await client.call(p.operation, path: p.path, query: p.query) }
                gate.update(sequence) { $0.status = result == .empty ? 204 : 200 }
                let items = result.items(envelope: list.envelope) ?? []
                for item in items { if let id = item[reader.key].flatMap(ArgumentBinder.scalarString) { members.insert(id.lowercased()) } }
                if pageSize.map({ items.count < $0 }) ?? true {
                    return ["members": .array(named.filter { members.contains($0.lowercased()) }.map(JSON.string))]
                }
            } catch {
                let text = "\(error)"
                gate.update(sequence) { $0.outcome = .failed; $0.message = text }
                return nil
            }
        }
        return nil
    }
}

package extension CallGate {
    /// Records a read the gate makes for undo and counts it as a call; nil
    /// when the call cap leaves no room (the read is then not made).
    func countedRead(_ read: PreparedCall) -> Int? {
        let max = settings.maxCalls
        let counted = ledger.withLock { state -> Bool in
            if let max, state.callCount + 1 > max { return false }
            state.callCount += 1
            return true
        }
        return counted ? record(read, .sent) : nil
    }
}
