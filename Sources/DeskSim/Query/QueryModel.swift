/// The query parameters stateful handlers filter on themselves (beyond what
/// `RecordQuery` places generically), per operation. The simulator counts
/// them as honoured; anything a request gives beyond these, the generic
/// query and paging is named in `X-Zdsh-Sim-Unmodelled`.
enum QueryModel {
    static let handledByHandler: [String: Set<String>] = [
        "getTickets": ["status", "departmentId", "assignee", "dueDate", "closedTime", "receivedInDays", "include", "channel"],
        "searchTickets": ["accountName", "contactName", "productName", "tag", "departmentId"],
        "getTicketsByTag": ["include"],
        "getTicketsByContact": ["include"],
        "getTicketsByAccount": ["include"],
        "getTicket": ["include"],
        "searchContacts": ["accountName"],
        "getAgents": ["include", "departmentIds"],
        "getAgent": ["include"],
        "getMyInfo": ["include"],
        "getUsers": ["include", "helpCenterId"],
        "getLabels": ["helpCenterId"],
        "getHelpCenterGroupList": ["helpCenterId"],
        "getTags": ["searchVal", "departmentId"],
        "getTicketsTags": ["departmentId", "sortBy"],
        "getRecentTags": ["departmentId"],
        "doSearch": ["searchStr", "module", "departmentId"],
        "getTasks": ["departmentId"],
        "getArticles": ["categoryId"],
        "getRecycleBinEntities": ["departmentId"],
    ]

    /// `sortBy` values that order by a differently named field ("" keeps the stored order).
    static let sortAliases: [String: [String: String]] = [
        "getTickets": ["recentThread": "customerResponseTime"],
        "getTicketsByTag": ["recentThread": "customerResponseTime"],
    ]
}
