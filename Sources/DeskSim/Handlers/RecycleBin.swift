import JSONValue

/// The recycle bin. A trashed record is kept whole under `_entity` (with its
/// table under `_resource`) so restore puts back exactly what was removed.
enum RecycleBin {
    static let bin = Resource(name: "recycleBin", idParam: "id", defaultLimit: 50)

    static let moduleNames = ["tickets": "tickets", "contacts": "contacts", "accounts": "accounts",
                              "tasks": "tasks", "products": "products", "articles": "solutions"]

    static func trash(resource: String, id: String, _ c: Ctx) {
        guard let row = c.org.table(resource).remove(id) else { return }
        let name = row["subject"] ?? row["title"] ?? row["productName"] ?? row["accountName"]
            ?? row["lastName"].map { l in .string([row["firstName"]?.stringValue, l.stringValue].compactMap { $0 }.joined(separator: " ")) }
        var entry = newRecord("recycleBin", [:], id: id, now: c.timestamp)
        entry["type"] = .string(moduleNames[resource] ?? resource)
        entry["displayName"] = name ?? .null
        entry["deletedTime"] = .string(c.timestamp)
        entry["deletedById"] = c.org.meAgentId.map { .string($0) } ?? .null
        entry["departmentId"] = row["departmentId"] ?? .null
        entry["_resource"] = .string(resource)
        entry["_entity"] = .object(row)
        c.org.table("recycleBin").put(entry)
    }

    static var handlers: [String: Handler] {
        [
            "getRecycleBinEntities": bin.list(where: { e, c in
                c.query["departmentId"].map { idString(e["departmentId"]) == $0 } ?? true
            }),
            "restoreEntities": { c in
                let t = c.org.table("recycleBin")
                return Users.results(c.ids("ids")) { id in
                    guard let e = t.get(id), let res = e["_resource"]?.stringValue, let row = e["_entity"]?.objectValue else { return Users.notFound }
                    t.remove(id)
                    c.org.table(res).put(row)
                    return nil
                }
            },
            "deleteEntities": { c in
                let t = c.org.table("recycleBin")
                return Users.results(c.ids("ids")) { id in t.remove(id) == nil ? .notFound : nil }
            },
        ]
    }
}

/// Every stateful operation, by operationId. Anything else in the catalog is
/// validated and answered by `Synthesizer`.
enum HandlerRegistry {
    static let all: [String: Handler] = {
        var out: [String: Handler] = [:]
        let families: [[String: Handler]] = [
            Organizations.handlers, Profiles.handlers, Roles.handlers, Agents.handlers, Departments.handlers,
            Teams.handlers, HelpCenters.handlers, Users.handlers, Badges.handlers, Groups.handlers, Labels.handlers,
            Tickets.handlers, Contacts.handlers, Activities.handlers, RecycleBin.handlers, Uploads.handlers,
            TicketTags.handlers, Search.handlers,
        ]
        for f in families { out.merge(f) { a, _ in a } }
        return out
    }()
}
