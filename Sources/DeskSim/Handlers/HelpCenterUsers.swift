import JSONValue

/// Help centers and their end users. A user's labels, groups and badges are
/// relations shared with the label/group/badge endpoints, so a change made from
/// either side shows on both.
enum HelpCenters {
    static let helpCenters = Resource(name: "helpCenters", idParam: "helpcenterId", defaultLimit: 50)

    static var handlers: [String: Handler] {
        ["getAllHelpCenters": helpCenters.list(), "getHelpCenter": helpCenters.get()]
    }
}

enum Users {
    static let users = Resource(name: "users", idParam: "userId", defaultLimit: 50, decorate: { row, c in
        var r = row
        let id = row["id"]?.stringValue ?? ""
        // The embedded `label` is the user's primary label (or the first one).
        let labelIds = c.org.labelUsers.lefts(of: id)
        let primary = labelIds.first { c.org.labelUsers.info($0, id)["isPrimary"]?.boolValue == true } ?? labelIds.first
        if let p = primary, let label = c.org.table("labels").get(p) {
            r["label"] = ["id": .string(p), "name": label["name"] ?? .null, "logoUrl": label["logoUrl"] ?? .null,
                          "preferences": label["preferences"] ?? ["shape": .null, "bgColor": .null, "textColor": .null]]
        } else {
            r["label"] = .null
        }
        return r
    })

    static func inHelpCenter(_ row: Row, _ c: Ctx) -> Bool {
        guard let hc = c.query["helpCenterId"] else { return true }
        return row["helpCenterId"]?.stringValue == hc || idString(row["_helpCenterId"]) == hc
    }

    /// Mass action over ids: `apply` returns nil on success or the per-id error.
    static func results(_ ids: [String], _ apply: (String) -> SimError?) -> Reply {
        .ok(["results": .array(ids.map { resultEntry($0, error: apply($0)) })])
    }

    /// A per-id failure for an id nobody has: mass-action errors only carry the codes
    /// MassActionError.json lists (no URL_NOT_FOUND/404), so Zoho reports it as invalid data.
    static let notFound = SimError(status: 422, code: "INVALID_DATA", message: "No record with this id.")
    static let notAssociated = SimError.unprocessable("The record is not associated with this user.")

    static var handlers: [String: Handler] {
        [
            "getUsers": { c in
                let rows = users.rows(c, where: { inHelpCenter($0, c) })
                if rows.isEmpty, c.op.successCodes.contains(204) { return .noContent }
                var body: [String: JSON] = ["data": .array(rows.map { users.view($0, c) })]
                if (c.query["include"] ?? "").contains("count") {
                    body["count"] = .string(String(c.org.table("users").all(where: { inHelpCenter($0, c) }).count))
                }
                return .ok(.object(body))
            },
            "getUserDetails": users.get(),
            "updateUserDetails": users.update(),
            "deleteEndUser": { c in
                let id = c.param("userId")
                _ = try users.row(c)
                c.org.table("users").update(id) { u in
                    u["name"] = .string(c.string("anonymizedName") ?? "Anonymous User")
                    u["emailAddress"] = .null
                    u["email"] = .null
                    // The user schema's status takes ACTIVE, DELETED or DISABLED: an anonymized end user is DELETED.
                    u["status"] = "DELETED"
                }
                c.org.labelUsers.removeRight(id)
                c.org.groupUsers.removeRight(id)
                c.org.userBadges.removeLeft(id)
                return .noContent
            },
            "getUserLabels": { c in
                let id = c.param("userId")
                _ = try users.row(c)
                let labels = c.org.labelUsers.lefts(of: id).compactMap { lid -> JSON? in
                    guard var l = c.org.table("labels").get(lid) else { return nil }
                    let info = c.org.labelUsers.info(lid, id)
                    l["isPrimary"] = info["isPrimary"] ?? false
                    l["assignedTime"] = info["assignedTime"] ?? .null
                    return Labels.labels.view(l, c)
                }
                return c.list(labels)
            },
            "assignLabelsToUser": { c in
                let id = c.param("userId")
                _ = try users.row(c)
                let entries = c.field("labels")?.arrayValue ?? []
                let ids = c.ids("labels")
                return results(ids) { lid in
                    guard c.org.table("labels").contains(lid) else { return notFound }
                    let primary = entries.first { idString($0["id"]) == lid }?["isPrimary"]?.boolValue ?? false
                    if primary {
                        for other in c.org.labelUsers.lefts(of: id) {
                            var info = c.org.labelUsers.info(other, id)
                            info["isPrimary"] = false
                            c.org.labelUsers.setInfo(other, id, info)
                        }
                    }
                    if !c.org.labelUsers.add(lid, id, info: ["isPrimary": .bool(primary), "assignedTime": .string(c.timestamp)]) {
                        var info = c.org.labelUsers.info(lid, id)
                        info["isPrimary"] = .bool(primary)
                        c.org.labelUsers.setInfo(lid, id, info)
                    }
                    return nil
                }
            },
            "removeLabelsFromUser": { c in
                let id = c.param("userId")
                _ = try users.row(c)
                return results(c.ids("labelIds")) { lid in
                    guard c.org.table("labels").contains(lid) else { return notFound }
                    return c.org.labelUsers.remove(lid, id) ? nil : notAssociated
                }
            },
            "getUserGroups": { c in
                let id = c.param("userId")
                _ = try users.row(c)
                let groups = c.org.groupUsers.lefts(of: id).compactMap { c.org.table("groups").get($0) }.map { g -> JSON in
                    var g = g
                    g["isAssociated"] = true
                    return Groups.groups.view(g, c)
                }
                return c.list(groups)
            },
            "associateGroupsToUsers": { c in
                let id = c.param("userId")
                _ = try users.row(c)
                return results(c.ids("groups")) { gid in
                    guard c.org.table("groups").contains(gid) else { return notFound }
                    c.org.groupUsers.add(gid, id, info: ["addedTime": .string(c.timestamp)])
                    return nil
                }
            },
            "deleteGroupsFromUsers": { c in
                let id = c.param("userId")
                _ = try users.row(c)
                return results(c.ids("groupIds")) { gid in
                    guard c.org.table("groups").contains(gid) else { return notFound }
                    return c.org.groupUsers.remove(gid, id) ? nil : notAssociated
                }
            },
            "getUserBadges": { c in
                let id = c.param("userId")
                _ = try users.row(c)
                let badges = c.org.userBadges.rights(of: id).compactMap { c.org.table("badges").get($0) }.map { Badges.badges.view($0, c) }
                return c.list(Array(badges.dropFirst(c.pageStart).prefix(c.pageLimit(default: 100))))
            },
            "associateBadgesToUsers": { c in
                let id = c.param("userId")
                _ = try users.row(c)
                return results(c.ids("badgeIds")) { bid in
                    guard c.org.table("badges").contains(bid) else { return notFound }
                    c.org.userBadges.add(id, bid)
                    return nil
                }
            },
            "dissociateBadgesFromUsers": { c in
                let id = c.param("userId")
                _ = try users.row(c)
                return results(c.ids("badgeIds")) { bid in
                    guard c.org.table("badges").contains(bid) else { return notFound }
                    return c.org.userBadges.remove(id, bid) ? nil : notAssociated
                }
            },
        ]
    }
}

enum Badges {
    static let badges = Resource(name: "badges", idParam: "badgeId", defaultLimit: 100)

    static var handlers: [String: Handler] {
        [
            // A bare JSON array, not an envelope.
            "getBadges": { c in
                let rows = badges.rows(c, where: { b in c.query["type"].map { b["type"]?.stringValue == $0 } ?? true })
                return .ok(.array(rows.map { badges.view($0, c) }))
            },
        ]
    }
}
