/// Friendly Lua names for the Zoho Desk operations runbook authors use most.
///
/// NAMING RULE
///   <namespace>.<resource>[.<sub-resource>].<verb>
///   - namespace: `desk` for the agent-side API, `helpcenter` for help-center users,
///     groups, labels, badges and the help centers themselves.
///   - resource: the plural, snake_case collection as it appears in the URL
///     (`tickets`, `profiles`, `help_centers`); a sub-resource follows its parent
///     (`desk.tickets.comments`).
///   - verb: `list`, `get`, `create`, `update`, `delete`, `count`, `search` for the CRUD
///     operations; any other action is a snake_case verb phrase named after what Zoho's
///     endpoint does (`move_to_trash`, `remove_users`, `add_users`, `remove_from_groups`,
///     `merge`, `deactivate`, `restore`…). `delete` is used only where the endpoint
///     really deletes (tickets, contacts… are "deleted" by `move_to_trash`).
///
/// ARGUMENTS
///   Positional arguments are listed by their wire names, parents before children:
///   the path ids in path order, then (for membership actions) the id list the action
///   is about, e.g. `helpcenter.labels.remove_users(hc, label, user_ids)`.
///   An optional trailing table carries everything else (query parameters and body
///   fields by wire name; `options` maps friendlier keys such as `transfer_to`).
///   Where a value goes is decided per operation by `Binding.target(of:in:)`:
///   path parameter, else query parameter, else JSON body field; `queryNames` force a
///   query placement where Zoho's spec forgot to declare the parameter.
///   Every `helpcenter.*` binding takes the help-center id (`helpCenterId`, "hc") first,
///   even when the endpoint does not need it; it is then not sent (`.unused`).
///
/// ALIASES
///   The earlier Python client's method names are kept as aliases (ids first, then an
///   optional params table `p`), each pointing at the REAL endpoint — that client called
///   DELETE paths that do not exist in Zoho Desk (see the alias table in the README).
///
/// FORMAT NOTE: scripts/gen-catalog reads the rows below (one `b(…)`/`alias(…)` call per
/// line) to write stdlib/types/desk.d.lua. Keep each row on one line, string literals only.
public enum FriendlyNames {
    /// Where one argument goes in the HTTP request.
    public enum ArgumentTarget: String, Sendable, Hashable {
        case path, query, body
        /// Accepted for a uniform calling convention (the help-center id) but not sent.
        case unused
    }

    public struct Alias: Sendable, Hashable {
        /// The earlier client's method name (same as the binding's `name`).
        public let oldName: String
        /// What the earlier client sent, e.g. "DELETE /api/v1/helpcenter/{hc}/labels/{label_id}".
        public let oldPath: String
        /// The friendly binding this alias stands for.
        public let replacement: String
        /// Set when there is no real endpoint: the call must fail with this message.
        public let unsupported: String?
    }

    public struct Binding: Sendable, Hashable {
        /// Lua name: "helpcenter.labels.remove_users", or the old name for aliases.
        public let name: String
        public let operationId: String
        /// Wire names of the positional arguments, in order.
        public let positional: [String]
        /// Friendly option key → wire name (e.g. "transfer_to" → "transferToProfileId").
        public let options: [String: String]
        /// Names to send as query parameters even though the spec does not declare them.
        public let queryNames: [String]
        /// Set for the earlier client's names.
        public let alias: Alias?

        public var isAlias: Bool { alias != nil }

        /// The wire name for an option key (unknown keys are already wire names).
        public func wireName(forOption key: String) -> String { options[key] ?? key }

        /// Where the argument `wireName` goes when calling `op`.
        public func target(of wireName: String, in op: Operation) -> ArgumentTarget {
            if op.parameters.contains(where: { $0.name == wireName && $0.location == .path }) { return .path }
            if queryNames.contains(wireName) { return .query }
            if op.parameters.contains(where: { $0.name == wireName && $0.location == .query }) { return .query }
            if let body = op.body, body.schema.properties?[wireName] != nil { return .body }
            if wireName == "helpCenterId" { return .unused }
            // Undeclared names go in the body when there is one (custom fields, spec gaps).
            return op.body != nil ? .body : .query
        }
    }

    /// Every binding: friendly names first, then aliases, each group sorted by name.
    public static let all: [Binding] =
        rows.sorted { $0.name < $1.name } + aliasRows.sorted { $0.name < $1.name }

    private static let index: [String: Binding] =
        Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    public static func binding(named name: String) -> Binding? { index[name] }

    /// Markdown table of the earlier client's names: old call → binding → real endpoint.
    /// The README includes this output.
    public static func aliasTableMarkdown(catalog: Catalog = .shared) -> String {
        var lines = [
            "| old name | old call | use instead | real endpoint |",
            "|---|---|---|---|",
        ]
        for b in all where b.isAlias {
            guard let a = b.alias else { continue }
            let real: String
            if a.unsupported != nil {
                real = "none — " + (a.unsupported ?? "")
            } else if let op = catalog.operation(id: b.operationId) {
                real = "`\(op.method) \(op.path)` (`\(op.id)`)"
            } else {
                real = "`\(b.operationId)`"
            }
            lines.append("| `\(a.oldName)` | `\(a.oldPath)` | `\(a.replacement)` | \(real) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Table rows

    private static func b(_ name: String, _ operationId: String, _ positional: [String],
                          options: [String: String] = [:], query: [String] = []) -> Binding {
        Binding(name: name, operationId: operationId, positional: positional, options: options,
                queryNames: query, alias: nil)
    }

    private static func alias(_ oldName: String, _ replacement: String, _ operationId: String,
                              _ positional: [String], old: String, options: [String: String] = [:],
                              query: [String] = [], unsupported: String? = nil) -> Binding {
        Binding(name: oldName, operationId: operationId, positional: positional, options: options,
                queryNames: query,
                alias: Alias(oldName: oldName, oldPath: old, replacement: replacement, unsupported: unsupported))
    }

    private static let rows: [Binding] = [
        // organizations
        b("desk.organizations.list", "getOrganizations", []),
        b("desk.organizations.list_accessible", "getAccessibleOrganizations", []),
        b("desk.organizations.get", "getOrganization", ["organizationId"]),
        b("desk.organizations.update", "updateOrganization", ["organizationId"]),
        b("desk.organizations.mark_default", "updateDefaultOrganizaion", ["id"]),
        // profiles (no create endpoint: clone an existing profile)
        b("desk.profiles.list", "getProfileList", []),
        b("desk.profiles.get", "getProfile", ["profileId"]),
        b("desk.profiles.count", "getProfileCount", []),
        b("desk.profiles.get_mine", "getMyProfile", []),
        b("desk.profiles.update", "updateProfile", ["profileId"]),
        b("desk.profiles.clone", "cloneProfile", ["profileId"]),
        b("desk.profiles.delete", "deleteProfile", ["profileId"], options: ["transfer_to": "transferToProfileId"]),
        b("desk.profiles.list_agents", "getAgentsByProfile", ["profileId"]),
        // roles
        b("desk.roles.list", "getRoles", []),
        b("desk.roles.get", "getRole", ["roleId"]),
        b("desk.roles.count", "getRoleCount", []),
        b("desk.roles.list_by_ids", "getRolesByIds", ["roleIds"]),
        b("desk.roles.create", "addRole", []),
        b("desk.roles.update", "updateRole", ["roleId"]),
        b("desk.roles.delete", "deleteRole", ["roleId"], options: ["transfer_to": "transferToRoleId"]),
        b("desk.roles.list_agents", "getAgentsByRole", ["roleId"]),
        // agents
        b("desk.agents.list", "getAgents", []),
        b("desk.agents.get", "getAgent", ["agentId"]),
        b("desk.agents.count", "getAgentsCount", []),
        b("desk.agents.list_by_ids", "getAgentsByIds", ["agentIds"]),
        b("desk.agents.get_mine", "getMyInfo", []),
        b("desk.agents.create", "addAgent", []),
        b("desk.agents.update", "updateAgent", ["agentId"]),
        b("desk.agents.activate", "activateAgents", ["agentIds"]),
        b("desk.agents.deactivate", "deactivateAgents", ["agentId"]),
        b("desk.agents.reinvite", "reInviteAgents", ["agentIds"]),
        b("desk.agents.delete_unconfirmed", "deleteUnconfirmedAgent", ["agentIds"]),
        b("desk.agents.anonymize", "anonymizeDeletedAgent", ["agentId"]),
        b("desk.agents.list_teams", "listAssociatedTeamsForAgent", ["agentId"]),
        // departments
        b("desk.departments.list", "getDepartments", []),
        b("desk.departments.get", "getDepartment", ["departmentId"]),
        b("desk.departments.count", "getDepartmentsCount", []),
        b("desk.departments.list_by_ids", "getDepartmentsByIds", ["departmentIds"]),
        b("desk.departments.create", "addDepartment", []),
        b("desk.departments.update", "updateDepartment", ["departmentId"]),
        b("desk.departments.enable", "enableDepartment", ["departmentId"]),
        b("desk.departments.disable", "disableDepartment", ["departmentId"], options: ["move_agents_to": "agentNewDepartment", "move_emails_to": "emailNewDepartment"]),
        b("desk.departments.list_agents", "getAgentsInDepartment", ["departmentId"]),
        b("desk.departments.add_agents", "associateAgentsToDepartment", ["departmentId", "agentIds"]),
        b("desk.departments.remove_agents", "dissociateAgents", ["departmentId", "agentIds"]),
        b("desk.departments.list_teams", "getTeamsInDepartment", ["departmentId"]),
        // teams (Zoho spells the id {teamId} on some paths and {team_id} on others)
        b("desk.teams.list", "getTeams", []),
        b("desk.teams.get", "getTeam", ["teamId"]),
        b("desk.teams.create", "createTeam", []),
        b("desk.teams.update", "updateTeam", ["team_id"]),
        b("desk.teams.delete", "deleteTeam", ["team_id"]),
        b("desk.teams.list_members", "getTeamMembersDetails", ["team_id"]),
        // tickets
        b("desk.tickets.list", "getTickets", []),
        b("desk.tickets.get", "getTicket", ["ticketId"]),
        b("desk.tickets.search", "searchTickets", []),
        b("desk.tickets.create", "createTicket", []),
        b("desk.tickets.update", "updateTicket", ["ticketId"]),
        b("desk.tickets.update_many", "bulkUpdateTickets", []),
        b("desk.tickets.move_to_trash", "deleteTicket", ["ticketIds"]),
        b("desk.tickets.merge", "mergeTicket", ["ticketId", "ids"]),
        b("desk.tickets.move", "moveTicket", ["ticketId", "departmentId"]),
        b("desk.tickets.close", "closeTickets", ["ids"]),
        b("desk.tickets.mark_spam", "markTicketAsSpam", ["ids"]),
        b("desk.tickets.delete_spam", "deleteSpamTickets", ["ticketIds"]),
        b("desk.tickets.empty_spam", "deleteAllSpamTickets", ["departmentId"]),
        b("desk.tickets.mark_read", "markTicketAsRead", ["ticketId"]),
        b("desk.tickets.mark_unread", "markTicketAsUnRead", ["ticketId"]),
        b("desk.tickets.threads.list", "getThreads", ["ticketId"]),
        b("desk.tickets.threads.send_reply", "sendReply", ["ticketId"]),
        b("desk.tickets.threads.draft_reply", "draftsReply", ["ticketId"]),
        b("desk.tickets.comments.list", "getTicketComments", ["ticketId"]),
        b("desk.tickets.comments.get", "getTicketComment", ["ticketId", "commentId"]),
        b("desk.tickets.comments.create", "createTicketComment", ["ticketId"]),
        b("desk.tickets.comments.update", "updateTicketComment", ["ticketId", "commentId"]),
        b("desk.tickets.comments.delete", "deleteTicketComment", ["ticketId", "commentId"]),
        b("desk.tickets.tasks.list", "getTasksByTicket", ["ticketId"]),
        // contacts
        b("desk.contacts.list", "getContacts", []),
        b("desk.contacts.get", "getContact", ["contactId"]),
        b("desk.contacts.count", "getContactsCount", []),
        b("desk.contacts.search", "searchContacts", []),
        b("desk.contacts.list_by_ids", "getContactsByIds", ["ids"]),
        b("desk.contacts.create", "createContact", []),
        b("desk.contacts.update", "updateContact", ["contactId"]),
        b("desk.contacts.update_many", "bulkUpdateContacts", []),
        b("desk.contacts.move_to_trash", "deleteContact", ["contactIds"]),
        b("desk.contacts.merge", "mergeContacts", ["contactId", "ids"]),
        b("desk.contacts.mark_spam", "markContactsAsSpam", ["ids"]),
        b("desk.contacts.delete_spam", "deleteSpamContacts", ["contactIds"]),
        b("desk.contacts.list_tickets", "getTicketsByContact", ["contactId"]),
        b("desk.contacts.invite_as_end_user", "inviteContactAsEndUser", ["contactId", "helpCenterId"]),
        // accounts
        b("desk.accounts.list", "getAccounts", []),
        b("desk.accounts.get", "getAccount", ["accountId"]),
        b("desk.accounts.search", "searchAccounts", []),
        b("desk.accounts.create", "createAccount", []),
        b("desk.accounts.update", "updateAccount", ["accountId"]),
        b("desk.accounts.update_many", "bulkUpdateAccounts", []),
        b("desk.accounts.move_to_trash", "deleteAccount", ["accountIds"]),
        b("desk.accounts.merge", "mergeAccounts", ["accountId", "ids"]),
        b("desk.accounts.list_contacts", "getContactsUnderAccount", ["accountId"]),
        b("desk.accounts.list_tickets", "getTicketsByAccount", ["accountId"]),
        // tasks
        b("desk.tasks.list", "getTasks", []),
        b("desk.tasks.get", "getTask", ["taskId"]),
        b("desk.tasks.count", "getTasksCount", []),
        b("desk.tasks.search", "searchTasks", []),
        b("desk.tasks.create", "createTask", []),
        b("desk.tasks.update", "updateTask", ["taskId"]),
        b("desk.tasks.update_many", "bulkUpdateTasks", []),
        b("desk.tasks.move_to_trash", "deleteTask", ["entityIds"]),
        // products
        b("desk.products.list", "getProducts", []),
        b("desk.products.get", "getProduct", ["productId"]),
        b("desk.products.search", "searchProducts", []),
        b("desk.products.create", "createProduct", []),
        b("desk.products.update", "updateProduct", ["productId"]),
        b("desk.products.move_to_trash", "deleteProduct", ["productIds"]),
        // articles (knowledge base)
        b("desk.articles.list", "getArticles", []),
        b("desk.articles.get", "getArticle", ["id"]),
        b("desk.articles.count", "getArticleCount", []),
        b("desk.articles.search", "searchSolutions", []),
        b("desk.articles.create", "createArticle", []),
        b("desk.articles.update", "updateArticle", ["id"]),
        b("desk.articles.move_to_trash", "deleteArticle", ["ids"]),
        // recycle bin
        b("desk.recycle_bin.list", "getRecycleBinEntities", []),
        b("desk.recycle_bin.restore", "restoreEntities", ["ids"]),
        b("desk.recycle_bin.restore_all", "restoreAllEntities", []),
        b("desk.recycle_bin.delete", "deleteEntities", ["ids"]),
        b("desk.recycle_bin.delete_all", "deleteAllEntities", []),
        // help centers
        b("helpcenter.help_centers.list", "getAllHelpCenters", []),
        b("helpcenter.help_centers.get", "getHelpCenter", ["helpcenterId"]),
        // help-center users (GET /users lacks helpCenterId in the spec; Zoho's docs send it as a query)
        b("helpcenter.users.list", "getUsers", ["helpCenterId"], query: ["helpCenterId", "from", "limit", "searchBy", "sortBy", "status"]),
        b("helpcenter.users.get", "getUserDetails", ["helpCenterId", "userId"]),
        b("helpcenter.users.update", "updateUserDetails", ["helpCenterId", "userId"]),
        b("helpcenter.users.anonymize", "deleteEndUser", ["helpCenterId", "userId"]),
        b("helpcenter.users.list_groups", "getUserGroups", ["helpCenterId", "userId"]),
        b("helpcenter.users.add_to_groups", "associateGroupsToUsers", ["helpCenterId", "userId", "groups"]),
        b("helpcenter.users.remove_from_groups", "deleteGroupsFromUsers", ["helpCenterId", "userId", "groupIds"]),
        b("helpcenter.users.list_labels", "getUserLabels", ["helpCenterId", "userId"]),
        b("helpcenter.users.assign_labels", "assignLabelsToUser", ["helpCenterId", "userId", "labels"]),
        b("helpcenter.users.remove_labels", "removeLabelsFromUser", ["helpCenterId", "userId", "labelIds"]),
        b("helpcenter.users.list_badges", "getUserBadges", ["helpCenterId", "userId"]),
        b("helpcenter.users.add_badges", "associateBadgesToUsers", ["helpCenterId", "userId", "badgeIds"]),
        b("helpcenter.users.remove_badges", "dissociateBadgesFromUsers", ["helpCenterId", "userId", "badgeIds"]),
        // help-center groups
        b("helpcenter.groups.list", "getHelpCenterGroupList", ["helpCenterId"]),
        b("helpcenter.groups.get", "getHelpCenterGroup", ["helpCenterId", "groupId"]),
        b("helpcenter.groups.create", "addHelpCenterGroup", ["helpCenterId"]),
        b("helpcenter.groups.update", "updateHelpCenterUserGroup", ["helpCenterId", "groupId"]),
        b("helpcenter.groups.delete", "deleteHelpCenterUserGroup", ["helpCenterId", "groupId"]),
        b("helpcenter.groups.list_users", "getHelpCenterGroupUsers", ["helpCenterId", "groupId"]),
        b("helpcenter.groups.add_users", "addHelpCenterGroupUsers", ["helpCenterId", "groupId", "users"]),
        b("helpcenter.groups.remove_users", "deleteHCGroupUsers", ["helpCenterId", "groupId", "userIds"]),
        // help-center labels
        b("helpcenter.labels.list", "getLabels", ["helpCenterId"]),
        b("helpcenter.labels.get", "getLabel", ["helpCenterId", "labelId"]),
        b("helpcenter.labels.create", "createLabel", ["helpCenterId"]),
        b("helpcenter.labels.update", "updateLabel", ["helpCenterId", "labelId"]),
        b("helpcenter.labels.delete", "deleteLabel", ["helpCenterId", "labelId"]),
        b("helpcenter.labels.list_users", "getUsersByLabel", ["helpCenterId", "labelId"]),
        b("helpcenter.labels.add_users", "assignLabelToUsers", ["helpCenterId", "labelId", "userIds"]),
        b("helpcenter.labels.remove_users", "removeLabelsFromUsers", ["helpCenterId", "labelId", "userIds"]),
        // help-center badges
        b("helpcenter.badges.list", "getBadges", ["helpCenterId"]),
    ]

    private static let aliasRows: [Binding] = [
        alias("delete_profile", "desk.profiles.delete", "deleteProfile", ["profileId"], old: "DELETE /api/v1/profiles/{profile_id}", options: ["transfer_to": "transferToProfileId"]),
        alias("remove_users_from_group", "helpcenter.groups.remove_users", "deleteHCGroupUsers", ["helpCenterId", "groupId"], old: "DELETE /api/v1/helpcenter/{hc}/groups/{group_id}/users"),
        alias("remove_user_from_groups", "helpcenter.users.remove_from_groups", "deleteGroupsFromUsers", ["helpCenterId", "userId"], old: "DELETE /api/v1/helpcenter/{hc}/users/{user_id}/groups"),
        alias("remove_labels_from_user", "helpcenter.users.remove_labels", "removeLabelsFromUser", ["helpCenterId", "userId"], old: "DELETE /api/v1/helpcenter/{hc}/users/{user_id}/labels"),
        alias("remove_users_under_a_label", "helpcenter.labels.remove_users", "removeLabelsFromUsers", ["helpCenterId", "labelId"], old: "DELETE /api/v1/helpcenter/{hc}/labels/{label_id}/users"),
        alias("remove_badges_from_user", "helpcenter.users.remove_badges", "dissociateBadgesFromUsers", ["helpCenterId", "userId"], old: "DELETE /api/v1/helpcenter/{hc}/users/{user_id}/badges"),
        alias("delete_group", "helpcenter.groups.delete", "deleteHelpCenterUserGroup", ["helpCenterId", "groupId"], old: "DELETE /api/v1/helpcenter/{hc}/groups/{group_id}"),
        alias("delete_label", "helpcenter.labels.delete", "deleteLabel", ["helpCenterId", "labelId"], old: "DELETE /api/v1/helpcenter/{hc}/labels/{label_id}"),
        alias("delete_labels", "helpcenter.labels.delete", "deleteLabel", ["helpCenterId"], old: "DELETE /api/v1/helpcenter/{hc}/labels", unsupported: "Zoho Desk has no endpoint that deletes many labels at once; call helpcenter.labels.delete(hc, label) for each label id."),
        alias("get_all_organizations", "desk.organizations.list", "getOrganizations", [], old: "GET /api/v1/organizations"),
    ]
}
