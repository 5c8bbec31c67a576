import JSONValue

/// Organisations (portals). They live outside any one org's data; the list
/// endpoints are the only ones that need no `orgId`.
enum Organizations {
    static func org(_ c: Ctx) throws -> Row {
        guard let r = c.state.organizations.get(c.param("organizationId")) else { throw SimError.notFound }
        return r
    }

    static var handlers: [String: Handler] {
        [
            "getOrganizations": { c in .ok(["data": .array(c.state.organizations.all().map(publicView))]) },
            "getAccessibleOrganizations": { c in .ok(["data": .array(c.state.organizations.all().map(publicView))]) },
            "getOrganization": { c in .ok(publicView(try org(c))) },
            "updateOrganization": { c in
                var row = try org(c)
                for (k, v) in c.body?.objectValue ?? [:] where k != "id" { row[k] = v }
                c.state.organizations.put(row)
                return .ok(publicView(row))
            },
            "updateDefaultOrganizaion": { c in
                guard let id = c.string("id"), c.state.organizations.contains(id) else {
                    throw SimError.invalid(field: "/id", "invalid", "No organization with this id")
                }
                for o in c.state.organizations.all() {
                    c.state.organizations.update(o["id"]!.stringValue!) { $0["isDefault"] = .bool(o["id"]!.stringValue! == id) }
                }
                c.state.defaultOrgId = id
                return .noContent
            },
        ]
    }
}
