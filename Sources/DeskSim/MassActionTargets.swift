/// Mass actions the simulator does not model whose id list names stored
/// records: an id the org does not have fails on its own in `results`
/// (INVALID_DATA, 422 — the codes MassActionError.json allows) while the others
/// succeed, as Zoho answers a partly failing mass action with 200.
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
}
