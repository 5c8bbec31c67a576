import JSONValue

/// The search endpoints over stored records, with Zoho's matching (see
/// `RecordQuery` and `TextPattern`): ticket, contact, account, task and
/// product search, and `/search` across modules.
enum TicketSearch {
    static var search: Handler { Tickets.tickets.search(where: matches) }

    /// The ticket search parameters that name another record: the account's,
    /// contact's or product's name, and a tag.
    static func matches(_ t: Row, _ c: Ctx) -> Bool {
        if let d = c.query["departmentId"], d != "0", idString(t["departmentId"]) != d { return false }
        if let name = c.query["accountName"], !linked(t["accountId"], "accounts", name, c) { return false }
        if let name = c.query["contactName"] {
            let pattern = TextPattern(name)
            guard let id = idString(t["contactId"]), let contact = c.org.table("contacts").get(id),
                  pattern.matches(FieldText.fullName(contact)) || pattern.matches(contact["lastName"]?.stringValue ?? "") else { return false }
        }
        if let name = c.query["productName"], !linked(t["productId"], "products", name, c) { return false }
        if let tag = c.query["tag"] {
            let pattern = TextPattern(tag)
            let names = TicketTags.tags(of: t["id"]?.stringValue ?? "", c).compactMap { $0["name"]?.stringValue }
            if !names.contains(where: pattern.matches) { return false }
        }
        return true
    }

    /// The record `id` points at in `table` has a name matching `name`.
    static func linked(_ id: JSON?, _ table: String, _ name: String, _ c: Ctx) -> Bool {
        guard let id = idString(id), let row = c.org.table(table).get(id) else { return false }
        let pattern = TextPattern(name)
        return [row["accountName"], row["productName"], row["name"]].contains { $0?.stringValue.map(pattern.matches) ?? false }
    }
}

enum Search {
    /// `/search` modules and the resource each searches.
    static let modules: [(module: String, resource: Resource)] = [
        ("tickets", Tickets.tickets), ("contacts", Contacts.contacts), ("accounts", Contacts.accounts), ("tasks", Activities.tasks),
    ]

    static var handlers: [String: Handler] {
        [
            "searchTickets": TicketSearch.search,
            "searchContacts": Contacts.contacts.search(where: { row, c in
                guard let name = c.query["accountName"] else { return true }
                return TicketSearch.linked(row["accountId"], "accounts", name, c)
            }),
            "searchAccounts": Contacts.accounts.search(),
            "searchTasks": Activities.tasks.search(),
            "searchProducts": Activities.products.search(),
            "doSearch": doSearch,
        ]
    }

    /// `/search?searchStr=…&module=…`: text anywhere in the stored records of one
    /// module, or of tickets, contacts, accounts and tasks in turn.
    static let doSearch: Handler = { c in
        let pattern = TextPattern(c.query["searchStr"] ?? "*", freeText: true)
        let department = c.query["departmentId"].flatMap { $0 == "0" ? nil : $0 }
        let wanted = c.query["module"].map { m in modules.filter { $0.module == m } } ?? modules
        var found: [JSON] = []
        var counts: [String: JSON] = [:]
        for (module, resource) in wanted {
            let rows = c.org.table(resource.name).all { row in
                FieldText.strings(row).contains(where: pattern.matches)
                    && (department == nil || module == "contacts" || module == "accounts" || idString(row["departmentId"]) == department)
            }
            counts[module] = .string(String(rows.count))
            found += rows.map { row in
                guard case .object(var o) = resource.view(row, c) else { return .null }
                if c.query["module"] == nil { o["module"] = .string(module) }
                return .object(o)
            }
        }
        if c.query["sortBy"] == "modifiedTime" || c.query["sortBy"] == "-modifiedTime" {
            let desc = c.query["sortBy"]!.hasPrefix("-")
            found.sort { a, b in
                let x = a["modifiedTime"]?.stringValue ?? "", y = b["modifiedTime"]?.stringValue ?? ""
                return desc ? x > y : x < y
            }
        }
        c.use.honour("sortBy")
        let start = max(Int(c.query["from"] ?? "") ?? 0, 0)
        let page = Array(found.dropFirst(start).prefix(c.pageLimit(default: 10)))
        if page.isEmpty, c.op.successCodes.contains(204) { return .noContent }
        let count: JSON = c.query["module"] == nil ? .object(counts) : .string(String(found.count))
        return .ok(["data": .array(page), "count": count])
    }
}
