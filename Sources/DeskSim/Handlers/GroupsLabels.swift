import JSONValue

/// Help-center user groups. Membership is the `groupUsers` relation.
enum Groups {
    static let groups = Resource(name: "groups", idParam: "groupId", defaultLimit: 50, decorate: { row, c in
        var r = row
        r["count"] = .string(String(c.org.groupUsers.rights(of: row["id"]?.stringValue ?? "").count))
        return r
    })

    static func checkUsers(_ ids: [String], field: String, _ c: Ctx) throws {
        guard !ids.isEmpty else { throw SimError.invalid(field: "/\(field)", "missing", "\(field) must not be empty") }
        try Agents.checkIds(ids, in: "users", field: field, c)
    }

    static var handlers: [String: Handler] {
        [
            "getHelpCenterGroupList": groups.list(where: { g, c in
                c.query["helpCenterId"].map { idString(g["helpCenterId"]) == $0 } ?? true
            }),
            "getHelpCenterGroup": groups.get(),
            "addHelpCenterGroup": groups.create { _, c in
                _ = try HelpCenters.helpCenters.require(c, c.string("helpCenterId"), field: "/helpCenterId")
            },
            "updateHelpCenterUserGroup": groups.update(),
            "deleteHelpCenterUserGroup": { c in
                let id = c.param("groupId")
                _ = try groups.row(c)
                c.org.groupUsers.removeLeft(id)
                c.org.table("groups").remove(id)
                return .noContent
            },
            "getHelpCenterGroupUsers": { c in
                let id = c.param("groupId")
                _ = try groups.row(c)
                let users = c.org.groupUsers.rights(of: id).compactMap { uid -> JSON? in
                    guard var u = c.org.table("users").get(uid) else { return nil }
                    u["addedTime"] = c.org.groupUsers.info(id, uid)["addedTime"] ?? .null
                    return Users.users.view(u, c)
                }
                return c.list(Array(users.dropFirst(c.pageStart).prefix(c.pageLimit(default: 50))))
            },
            "addHelpCenterGroupUsers": { c in
                let id = c.param("groupId")
                _ = try groups.row(c)
                let ids = c.ids("users")
                try checkUsers(ids, field: "users", c)
                for uid in ids { c.org.groupUsers.add(id, uid, info: ["addedTime": .string(c.timestamp)]) }
                return .noContent
            },
            "deleteHCGroupUsers": { c in
                let id = c.param("groupId")
                _ = try groups.row(c)
                let ids = c.ids("userIds")
                try checkUsers(ids, field: "userIds", c)
                for uid in ids { c.org.groupUsers.remove(id, uid) }
                return .noContent
            },
        ]
    }
}

/// Help-center labels. Membership is the `labelUsers` relation, shared with
/// `/users/{id}/labels…`.
enum Labels {
    static let labels = Resource(name: "labels", idParam: "labelId", defaultLimit: 50, decorate: { row, c in
        var r = row
        r["count"] = .string(String(c.org.labelUsers.rights(of: row["id"]?.stringValue ?? "").count))
        return r
    })

    static var handlers: [String: Handler] {
        [
            "getLabels": labels.list(where: { l, c in
                c.query["helpCenterId"].map { idString(l["helpCenterId"]) == $0 } ?? true
            }),
            "getLabel": labels.get(),
            "createLabel": labels.create { row, c in
                guard let name = c.string("name") else { throw SimError.invalid(field: "/name", "missing", "name is required") }
                if c.org.table("labels").first(where: { $0["name"]?.stringValue == name }) != nil {
                    throw SimError.invalid(field: "/name", "duplicate", "A label with this name exists")
                }
                if let hc = c.string("helpCenterId") {
                    _ = try HelpCenters.helpCenters.require(c, hc, field: "/helpCenterId")
                } else if let first = c.org.table("helpCenters").first(where: { _ in true }) {
                    row["helpCenterId"] = first["id"]
                }
            },
            "updateLabel": labels.update(),
            "deleteLabel": { c in
                let id = c.param("labelId")
                _ = try labels.row(c)
                c.org.labelUsers.removeLeft(id)
                c.org.table("labels").remove(id)
                return .noContent
            },
            "getUsersByLabel": { c in
                let id = c.param("labelId")
                _ = try labels.row(c)
                let ids = c.org.labelUsers.rights(of: id)
                let page = ids.dropFirst(c.pageStart).prefix(c.pageLimit(default: 50))
                let users = page.compactMap { uid -> JSON? in
                    guard var u = c.org.table("users").get(uid) else { return nil }
                    u["assignedTime"] = c.org.labelUsers.info(id, uid)["assignedTime"] ?? .null
                    return Users.users.view(u, c)
                }
                return c.list(users)
            },
            "assignLabelToUsers": { c in
                let id = c.param("labelId")
                _ = try labels.row(c)
                let ids = c.ids("userIds")
                try Groups.checkUsers(ids, field: "userIds", c)
                for uid in ids { c.org.labelUsers.add(id, uid, info: ["isPrimary": false, "assignedTime": .string(c.timestamp)]) }
                return .noContent
            },
            "removeLabelsFromUsers": { c in
                let id = c.param("labelId")
                _ = try labels.row(c)
                let ids = c.ids("userIds")
                try Groups.checkUsers(ids, field: "userIds", c)
                for uid in ids { c.org.labelUsers.remove(id, uid) }
                return .noContent
            },
        ]
    }
}
