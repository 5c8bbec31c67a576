import JSONValue

/// Agents. Profile, role and department membership are fields on the agent
/// (`profileId`, `roleId`, `associatedDepartmentIds`); departments and teams
/// derive their member lists from them.
enum Agents {
    static let agents = Resource(name: "agents", idParam: "agentId", defaultLimit: 10, decorate: { row, c in
        var r = row
        if r["name"] == nil || r["name"] == .null {
            r["name"] = .string([r["firstName"]?.stringValue, r["lastName"]?.stringValue].compactMap { $0 }.joined(separator: " "))
        }
        let include = Set((c.query["include"] ?? "").split(separator: ",").map(String.init))
        if include.contains("profile"), let p = r["profileId"]?.stringValue, let prof = c.org.table("profiles").get(p) {
            var embed = ResourceShapes.template("agentProfileEmbed")
            embed["id"] = .string(p); embed["name"] = prof["name"] ?? .null
            // Agent.json spells the embedded profile's type in capitals (ADMIN, STANDARD, …)
            // where Profile.json has Administrator, Standard, …: the same value, two spellings.
            embed["type"] = prof["type"]?.stringValue.map { .string(embeddedProfileType($0)) } ?? .null
            r["profile"] = .object(embed)
        }
        if include.contains("role"), let id = r["roleId"]?.stringValue, let role = c.org.table("roles").get(id) {
            var embed = ResourceShapes.template("agentRoleEmbed")
            for (k, v) in role where embed.keys.contains(k) { embed[k] = v }
            r["role"] = .object(embed)
        }
        return r
    })

    static func inList(_ field: JSON?, _ id: String) -> Bool {
        (field?.arrayValue ?? []).contains { idString($0) == id }
    }

    /// All ids exist in `table`, else a 422 pointing at the first bad one.
    static func checkIds(_ ids: [String], in table: String, field: String, _ c: Ctx) throws {
        let t = c.org.table(table)
        for (i, id) in ids.enumerated() where !t.contains(id) {
            throw SimError.invalid(field: "/\(field)/\(i)", "invalid", "No record with id \(id)")
        }
    }

    static var handlers: [String: Handler] {
        [
            // status, isConfirmed, rolePermissionType, profileIds, roleIds, searchStr: `RecordQuery`.
            "getAgents": agents.list(where: { a, c in
                let depts = c.queryIds("departmentIds")
                return depts.isEmpty || depts.contains(where: { inList(a["associatedDepartmentIds"], $0) })
            }),
            "getAgent": agents.get(),
            "getAgentsCount": agents.count(),
            "getAgentsByIds": agents.byIds("agentIds"),
            "getMyInfo": { c in
                guard let me = Profiles.me(c) else { throw SimError.notFound }
                return .ok(agents.view(me, c))
            },
            "addAgent": agents.create { row, c in
                _ = try Profiles.profiles.require(c, c.string("profileId"), field: "/profileId")
                _ = try Roles.roles.require(c, c.string("roleId"), field: "/roleId")
                try checkIds(c.ids("associatedDepartmentIds"), in: "departments", field: "associatedDepartmentIds", c)
                let email = c.string("emailId")
                if c.org.table("agents").first(where: { $0["emailId"]?.stringValue == email }) != nil {
                    throw SimError.invalid(field: "/emailId", "duplicate", "An agent with this email already exists")
                }
                row["status"] = "ACTIVE"
                row["isConfirmed"] = false
                row["zuid"] = .string(c.newId())
            },
            "updateAgent": agents.update(),
            "activateAgents": { c in
                let ids = c.ids("agentIds")
                try checkIds(ids, in: "agents", field: "agentIds", c)
                for id in ids { c.org.table("agents").update(id) { $0["status"] = "ACTIVE" } }
                return .noContent
            },
            "deactivateAgents": { c in
                _ = try agents.row(c)
                c.org.table("agents").update(c.param("agentId")) { $0["status"] = "DISABLED" }
                return .noContent
            },
            "deleteUnconfirmedAgent": { c in
                let ids = c.ids("agentIds")
                try checkIds(ids, in: "agents", field: "agentIds", c)
                let t = c.org.table("agents")
                for (i, id) in ids.enumerated() where t.get(id)?["isConfirmed"]?.boolValue == true {
                    throw SimError.invalid(field: "/agentIds/\(i)", "invalid", "Agent \(id) is confirmed")
                }
                for id in ids { t.remove(id) }
                return .noContent
            },
        ]
    }
}

enum Departments {
    static let departments = Resource(name: "departments", idParam: "departmentId", defaultLimit: 10, decorate: { row, c in
        var r = row
        let id = row["id"]?.stringValue ?? ""
        r["associatedAgentIds"] = .array(c.org.table("agents").all(where: { Agents.inList($0["associatedDepartmentIds"], id) }).compactMap { $0["id"] })
        return r
    })

    static func setMembership(_ c: Ctx, add: Bool) throws -> Reply {
        let dept = c.param("departmentId")
        _ = try departments.row(c)
        let ids = c.ids("agentIds")
        try Agents.checkIds(ids, in: "agents", field: "agentIds", c)
        for id in ids {
            c.org.table("agents").update(id) { a in
                var list = (a["associatedDepartmentIds"]?.arrayValue ?? []).compactMap(idString)
                list.removeAll { $0 == dept }
                if add { list.append(dept) }
                a["associatedDepartmentIds"] = .array(list.map { .string($0) })
            }
        }
        return .noContent
    }

    static var handlers: [String: Handler] {
        [
            "getDepartments": departments.list(where: { d, c in
                if let e = c.query["isEnabled"], d["isEnabled"]?.boolValue.map(String.init) != e { return false }
                return true
            }),
            "getDepartment": departments.get(),
            "getDepartmentsCount": departments.count(),
            "getDepartmentsByIds": departments.byIds("departmentIds"),
            "addDepartment": departments.create { row, c in
                guard let name = c.string("name") else { throw SimError.invalid(field: "/name", "missing", "name is required") }
                if c.org.table("departments").first(where: { $0["name"]?.stringValue == name && $0["id"] != row["id"] }) != nil {
                    throw SimError.invalid(field: "/name", "duplicate", "A department with this name exists")
                }
                row["isEnabled"] = true
                row["isDefault"] = false
                try Agents.checkIds(c.ids("associatedAgentIds"), in: "agents", field: "associatedAgentIds", c)
                for id in c.ids("associatedAgentIds") {
                    c.org.table("agents").update(id) { a in
                        a["associatedDepartmentIds"] = .array((a["associatedDepartmentIds"]?.arrayValue ?? []) + [row["id"]!])
                    }
                }
            },
            "updateDepartment": departments.update(),
            "enableDepartment": { c in
                _ = try departments.row(c)
                c.org.table("departments").update(c.param("departmentId")) { $0["isEnabled"] = true }
                return .noContent
            },
            "disableDepartment": { c in
                _ = try departments.row(c)
                _ = try departments.require(c, c.string("agentNewDepartment"), field: "/agentNewDepartment")
                c.org.table("departments").update(c.param("departmentId")) { $0["isEnabled"] = false }
                return .noContent
            },
            "getAgentsInDepartment": { c in
                let id = c.param("departmentId")
                _ = try departments.row(c)
                return c.list(Agents.agents.rows(c, where: { Agents.inList($0["associatedDepartmentIds"], id) }).map { Agents.agents.view($0, c) })
            },
            "associateAgentsToDepartment": { c in try setMembership(c, add: true) },
            "dissociateAgents": { c in try setMembership(c, add: false) },
        ]
    }
}

/// Teams answer in `{"teams": […]}` and `{"members": […]}` envelopes.
enum Teams {
    static let teams = Resource(name: "teams", idParam: "teamId", defaultLimit: 100)

    static func all(_ c: Ctx, _ match: @escaping (Row) -> Bool) -> Reply {
        .ok(["teams": .array(c.org.table("teams").all(where: match).map { teams.view($0, c) })])
    }

    static var handlers: [String: Handler] {
        [
            "getTeams": { c in all(c) { _ in true } },
            "getTeamsInDepartment": { c in
                _ = try Departments.departments.row(c)
                return all(c) { $0["departmentId"]?.stringValue == c.param("departmentId") }
            },
            "getTeam": teams.get(),
            "createTeam": teams.create { row, c in
                _ = try Departments.departments.require(c, c.string("departmentId"), field: "/departmentId")
                try Agents.checkIds(c.ids("agents"), in: "agents", field: "agents", c)
                try Agents.checkIds(c.ids("roles"), in: "roles", field: "roles", c)
            },
            "updateTeam": teams.update { _, c in
                try Agents.checkIds(c.ids("agents"), in: "agents", field: "agents", c)
            },
            "deleteTeam": { c in
                let row = try teams.row(c)
                c.org.table("teams").remove(row["id"]!.stringValue!)
                return c.emptyOK
            },
            "getTeamMembersDetails": { c in
                let row = try teams.row(c)
                let ids = (row["agents"]?.arrayValue ?? []).compactMap(idString)
                let members = ids.compactMap { c.org.table("agents").get($0) }.map { Agents.agents.view($0, c) }
                return .ok(["members": .array(members)])
            },
            "listAssociatedTeamsForAgent": { c in
                _ = try Agents.agents.row(c)
                return all(c) { Agents.inList($0["agents"], c.param("agentId")) }
            },
            "getAssociatedTeamsForRole": { c in
                let role = c.params["role_id"] ?? c.param("roleId")
                _ = try Roles.roles.row(c, id: role)
                return all(c) { Agents.inList($0["roles"], role) }
            },
        ]
    }
}

/// A profile's `type` as Agent.json's embedded profile spells it.
func embeddedProfileType(_ type: String) -> String {
    type == "Administrator" ? "ADMIN" : type.uppercased()
}
