import DeskCatalog
import JSONValue

/// Contacts and accounts (a contact's `accountId` links them).
enum Contacts {
    static let contacts = Resource(name: "contacts", idParam: "contactId", defaultLimit: 10)
    static let accounts = Resource(name: "accounts", idParam: "accountId", defaultLimit: 10)

    /// Contact ↔ account views carry the mapping between the two.
    static func withMapping(_ row: Row, _ shape: String, _ c: Ctx) -> JSON {
        var out = ResourceShapes.template(shape)
        for (k, v) in row where !k.hasPrefix("_") { out[k] = v }
        out["mappingType"] = "PRIMARY"
        out["mappingInfo"] = ["isAccountTicketsViewable": true, "mappingId": .string(row["id"]?.stringValue ?? ""), "mappingType": "PRIMARY"]
        return .object(out)
    }

    static var handlers: [String: Handler] {
        [
            "getContacts": contacts.list(),
            "getContact": contacts.get(),
            "getContactsCount": contacts.count(),
            "getContactsByIds": contacts.byIds("ids"),
            "createContact": contacts.create { row, c in
                guard c.string("lastName") != nil else { throw SimError.invalid(field: "/lastName", "missing", "lastName is required") }
                if let a = c.string("accountId") { _ = try accounts.require(c, a, field: "/accountId") }
                row["isDeleted"] = false; row["isSpam"] = false
            },
            "updateContact": contacts.update { _, c in
                if let a = c.string("accountId") { _ = try accounts.require(c, a, field: "/accountId") }
            },
            "deleteContact": contacts.moveToTrash(bodyKey: "contactIds"),
            "getContactsUnderAccount": { c in
                _ = try accounts.row(c)
                let rows = contacts.rows(c, where: { idString($0["accountId"]) == c.param("accountId") })
                return c.list(rows.map { withMapping($0, "contactsUnderAccount", c) })
            },
            "getAccounts": accounts.list(),
            "getAccount": accounts.get(),
            "createAccount": accounts.create { row, c in
                guard c.string("accountName") != nil else { throw SimError.invalid(field: "/accountName", "missing", "accountName is required") }
                row["isDeleted"] = false; row["isTrashed"] = false
            },
            "updateAccount": accounts.update(),
            "deleteAccount": accounts.moveToTrash(bodyKey: "accountIds"),
            "getAccountsByContact": { c in
                let contact = try contacts.row(c)
                let rows = [idString(contact["accountId"])].compactMap { $0 }.compactMap { c.org.table("accounts").get($0) }
                return c.list(rows.map { withMapping($0, "accountsByContact", c) })
            },
        ]
    }
}

/// Tasks, products and knowledge-base articles: plain CRUD with move-to-trash.
enum Activities {
    static let tasks = Resource(name: "tasks", idParam: "taskId", defaultLimit: 10)
    static let products = Resource(name: "products", idParam: "productId", defaultLimit: 10)
    static let articles = Resource(name: "articles", idParam: "id", defaultLimit: 50)

    static var handlers: [String: Handler] {
        [
            "getTasks": tasks.list(where: { t, c in
                c.query["departmentId"].map { idString(t["departmentId"]) == $0 } ?? true
            }),
            "getTask": tasks.get(),
            "getTasksCount": tasks.count(),
            "createTask": tasks.create { row, c in
                guard c.string("subject") != nil else { throw SimError.invalid(field: "/subject", "missing", "subject is required") }
                if let t = c.string("ticketId") { _ = try Tickets.tickets.require(c, t, field: "/ticketId") }
                if row["status"] == nil || row["status"] == .null { row["status"] = "Not Started" }
                row["isTrashed"] = false; row["isSpam"] = false
            },
            "updateTask": tasks.update(),
            "deleteTask": tasks.moveToTrash(bodyKey: "entityIds"),
            "getProducts": products.list(),
            "getProduct": products.get(),
            "createProduct": products.create { row, c in
                guard c.string("productName") != nil else { throw SimError.invalid(field: "/productName", "missing", "productName is required") }
                row["isDeleted"] = false
            },
            "updateProduct": products.update(),
            "deleteProduct": products.moveToTrash(bodyKey: "productIds"),
            "getArticles": articles.list(where: { a, c in
                c.query["categoryId"].map { idString(a["categoryId"]) == $0 } ?? true
            }),
            "getArticle": articles.get(),
            "getArticleCount": articles.count(),
            "createArticle": articles.create { row, c in
                // The spec's request omits locale (catalog/spec-gaps.tsv); Zoho takes
                // only the locales its answer lists, and refuses any other.
                if let locale = row["locale"]?.stringValue,
                   let known = ResponseSchemas.shared.schema("createArticle", status: 200)?.properties?["locale"]?.enumValues,
                   !known.isEmpty, !known.contains(locale) {
                    throw SimError.invalid(field: "/locale", "invalid", "locale must be one of \(known.prefix(8).joined(separator: ", ")), …")
                }
                row["authorId"] = row["authorId"].flatMap { $0 == .null ? nil : $0 } ?? c.org.meAgentId.map { .string($0) } ?? .null
            },
            "updateArticle": articles.update(),
            // Articles answer their trash move with per-id results.
            "deleteArticle": { c in
                let t = c.org.table("articles")
                return Users.results(c.ids("ids")) { id in
                    guard t.contains(id) else { return Users.notFound }
                    RecycleBin.trash(resource: "articles", id: id, c)
                    return nil
                }
            },
        ]
    }
}
