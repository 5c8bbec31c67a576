import JSONValue

/// Profiles and roles. Neither can simply be deleted: Zoho's delete is a POST
/// that names where the agents go (`transferToProfileId` / `transferToRoleId`).
enum Profiles {
    static let profiles = Resource(name: "profiles", idParam: "profileId", defaultLimit: 100)

    static func me(_ c: Ctx) -> Row? { c.org.meAgentId.flatMap { c.org.table("agents").get($0) } }

    static var handlers: [String: Handler] {
        [
            "getProfileList": profiles.list(where: { row, c in
                if let d = c.query["default"], row["default"]?.boolValue.map(String.init) != d { return false }
                if let v = c.query["visible"], row["isVisible"]?.boolValue.map(String.init) != v { return false }
                return true
            }),
            "getProfile": profiles.get(),
            "getProfileCount": profiles.count(),
            "updateProfile": profiles.update(),
            "cloneProfile": { c in
                let source = try profiles.row(c)
                var row = source
                row["id"] = .string(c.newId())
                row["name"] = c.field("name") ?? source["name"]
                row["description"] = c.field("description") ?? .null
                row["default"] = false
                c.org.table("profiles").put(row)
                return .ok(profiles.view(row, c))
            },
            "deleteProfile": { c in
                let id = c.param("profileId")
                let profile = try profiles.row(c)
                let target = try profiles.require(c, c.string("transferToProfileId"), field: "/transferToProfileId")
                guard target != id else {
                    throw SimError.invalid(field: "/transferToProfileId", "invalid", "Agents cannot be transferred to the profile being deleted")
                }
                // deleteProfile documents its 422 with errors[] (invalidDataErrorResponse).
                if profile["default"]?.boolValue == true {
                    throw SimError.invalid(field: "profileId", "invalid", "Default profiles cannot be deleted")
                }
                let agents = c.org.table("agents")
                for a in agents.all(where: { $0["profileId"]?.stringValue == id }) {
                    agents.update(a["id"]!.stringValue!) { $0["profileId"] = .string(target) }
                }
                c.org.table("profiles").remove(id)
                return .noContent
            },
            "getAgentsByProfile": { c in
                let id = c.param("profileId")
                _ = try profiles.row(c)
                let rows = c.org.table("agents").all(where: { a in
                    guard a["profileId"]?.stringValue == id else { return false }
                    if c.query["active"] == "true", a["status"]?.stringValue != "ACTIVE" { return false }
                    if c.query["confirmed"] == "true", a["isConfirmed"]?.boolValue != true { return false }
                    return true
                })
                return c.list(rows.map { Agents.agents.view($0, c) }, key: "agents")
            },
            "getMyProfile": { c in
                guard let pid = me(c)?["profileId"]?.stringValue else { throw SimError.notFound }
                return .ok(profiles.view(try profiles.row(c, id: pid), c))
            },
            "getLightAgentProfile": { c in
                guard let p = c.org.table("profiles").first(where: { $0["type"]?.stringValue == "Light" }) else { throw SimError.notFound }
                return .ok(profiles.view(p, c))
            },
        ]
    }
}

enum Roles {
    static let roles = Resource(name: "roles", idParam: "roleId", defaultLimit: 15)

    static var handlers: [String: Handler] {
        [
            "getRoles": roles.list(where: { row, c in
                if let d = c.query["isDefault"], row["isDefault"]?.boolValue.map(String.init) != d { return false }
                if let v = c.query["isVisible"], row["isVisible"]?.boolValue.map(String.init) != v { return false }
                return true
            }),
            "getRole": roles.get(),
            "getRoleCount": roles.count(),
            "getRolesByIds": roles.byIds("roleIds"),
            "addRole": roles.create { row, c in
                guard c.string("name") != nil else { throw SimError.invalid(field: "/name", "missing", "name is required") }
                if row["isDefault"] == nil || row["isDefault"] == .null { row["isDefault"] = false }
                if row["isVisible"] == nil || row["isVisible"] == .null { row["isVisible"] = true }
            },
            "updateRole": roles.update(),
            "deleteRole": { c in
                let id = c.param("roleId")
                _ = try roles.row(c)
                let target = try roles.require(c, c.string("transferToRoleId"), field: "/transferToRoleId")
                guard target != id else { throw SimError.invalid(field: "/transferToRoleId", "invalid", "Cannot transfer to the role being deleted") }
                let agents = c.org.table("agents")
                for a in agents.all(where: { $0["roleId"]?.stringValue == id }) {
                    agents.update(a["id"]!.stringValue!) { $0["roleId"] = .string(target) }
                }
                c.org.table("roles").remove(id)
                return .noContent
            },
            "getAgentsByRole": { c in
                let id = c.param("roleId")
                _ = try roles.row(c)
                let ids = c.org.table("agents").all(where: { $0["roleId"]?.stringValue == id }).compactMap { $0["id"] }
                return c.list(ids, key: "associatedAgents")
            },
        ]
    }
}
