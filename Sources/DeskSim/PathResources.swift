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

    /// The first path parameter naming a record that does not exist, if any.
    static func missing(_ params: [String: String], in org: OrgState, state: SimState) -> String? {
        for (name, value) in params.sorted(by: { $0.key < $1.key }) {
            if name == "organizationId" {
                if !state.organizations.contains(value) { return name }
                continue
            }
            guard let table = tableByParameter[name] else { continue }
            if !org.table(table).contains(value) { return name }
        }
        return nil
    }
}
