/// Which stored resource a path parameter names. An operation the simulator
/// does not model still answers 404 URL_NOT_FOUND (Zoho's answer for an unknown
/// id) when its path names a record the org does not have, instead of
/// inventing data about it.
enum PathResources {
    static let tableByParameter: [String: String] = [
        "ticketId": "tickets", "ticket_id": "tickets", "contactId": "contacts", "accountId": "accounts",
        "agentId": "agents", "articleId": "articles", "taskId": "tasks", "departmentId": "departments",
        "productId": "products", "labelId": "labels", "groupId": "groups", "profileId": "profiles",
        "roleId": "roles", "role_id": "roles", "teamId": "teams", "team_id": "teams", "helpcenterId": "helpCenters",
        "userId": "users",
    ]

    /// Stored tables a bare `{id}` may follow in a path ("/api/v1/articles/{id}").
    static let tablesNamedInPaths: Set<String> = ["articles", "tickets", "contacts", "accounts", "tasks", "products",
                                                  "agents", "departments", "profiles", "roles", "teams", "labels", "groups"]

    /// The table a path parameter names in `template`, if it names a stored one.
    static func table(for name: String, in template: String) -> String? {
        if let t = tableByParameter[name] { return t }
        guard name == "id" else { return nil }
        let segments = template.split(separator: "/")
        guard let i = segments.firstIndex(of: "{id}"), i > 0 else { return nil }
        let previous = String(segments[i - 1])
        return tablesNamedInPaths.contains(previous) ? previous : nil
    }

    /// The first path parameter naming a record that does not exist, if any.
    static func missing(_ params: [String: String], template: String, in org: OrgState, state: SimState) -> String? {
        for (name, value) in params.sorted(by: { $0.key < $1.key }) {
            if name == "organizationId" {
                if !state.organizations.contains(value) { return name }
                continue
            }
            guard let table = table(for: name, in: template) else { continue }
            if !org.table(table).contains(value) { return name }
        }
        return nil
    }
}
