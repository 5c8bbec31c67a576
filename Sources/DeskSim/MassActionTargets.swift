import DeskCatalog

/// Which ids of a synthesised mass action fail on their own in `results`
/// (INVALID_DATA, 422 — the codes MassActionError.json allows) while the
/// others succeed, as Zoho answers a partly failing mass action with 200.
///
/// Every mass action does this, not only those over a table the simulator
/// models: where the operation names the table its ids belong to, an id
/// fails when that table lacks it; for the rest, an id fails when no table
/// of the org holds a record with it (an id nothing ever issued).
enum MassActionTargets {
    /// operationId → the table its listed ids belong to.
    static let tableByOperation: [String: String] = [
        "bulkUpdateContacts": "contacts", "bulkUpdateTasks": "tasks", "markContactsAsSpam": "contacts",
        "deleteSpamContacts": "contacts", "deleteSpamTasks": "tasks", "deleteSpamTickets": "tickets",
        "inviteContactsAsEndUser": "contacts", "associateProductsWithAccount": "products",
        "associateProductsWithContact": "products", "dissociateAccountsWithContact": "accounts",
        "approveEndUserInvite": "helpCenters", "rejectEndUserInvite": "helpCenters",
    ]

    static let unknownId = SimError(status: 422, code: "INVALID_DATA", message: "No record with this id.")

    /// The unknown-id error in a code the operation's `results` item documents: some mass
    /// actions (calls/tasks updateMany) list UNPROCESSABLE_ENTITY but not INVALID_DATA.
    static func unknownId(documentedBy item: Schema) -> SimError {
        guard let codes = item.properties?["errors"]?.properties?["errorCode"]?.enumValues,
              !codes.contains(unknownId.code), codes.contains("UNPROCESSABLE_ENTITY") else { return unknownId }
        return SimError(status: 422, code: "UNPROCESSABLE_ENTITY", message: unknownId.message)
    }

    /// Whether `id` fails in a mass action of `operationId` over `org`.
    static func fails(_ id: String, operationId: String, in org: OrgState) -> Bool {
        if let table = tableByOperation[operationId] { return !org.table(table).contains(id) }
        return !org.tables.values.contains { $0.contains(id) }
    }
}
