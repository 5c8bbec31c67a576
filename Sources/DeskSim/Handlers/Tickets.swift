import DeskCore
import Foundation
import JSONValue

/// Tickets with their threads and comments. Deleting is "move to trash": the
/// ticket goes to the recycle bin (threads and comments stay keyed to it) and
/// comes back on restore.
enum Tickets {
    static let tickets = Resource(name: "tickets", idParam: "ticketId", defaultLimit: 10, decorate: { row, c in
        var r = row
        let include = Set((c.query["include"] ?? "").split(separator: ",").map(String.init))
        if include.contains("contacts"), let id = idString(r["contactId"]), let contact = c.org.table("contacts").get(id) {
            r["contact"] = publicView(contact)
        }
        if include.contains("departments"), let id = idString(r["departmentId"]), let d = c.org.table("departments").get(id) {
            r["department"] = ["id": .string(id), "name": d["name"] ?? .null]
        }
        if include.contains("assignee"), let id = idString(r["assigneeId"]), let a = c.org.table("agents").get(id) {
            r["assignee"] = ["id": .string(id), "firstName": a["firstName"] ?? .null, "lastName": a["lastName"] ?? .null,
                             "email": a["emailId"] ?? .null, "photoURL": a["photoURL"] ?? .null]
        }
        return r
    })
    static let threads = Resource(name: "threads", idParam: "threadId", defaultLimit: 100)
    static let comments = Resource(name: "comments", idParam: "commentId", defaultLimit: 100)

    static func statusType(_ status: String) -> String {
        switch status.lowercased() {
        case "closed": return "Closed"
        case "on hold": return "On Hold"
        default: return "Open"
        }
    }

    /// The query parameters `matches` filters on.
    static let filterParameters = ["status", "departmentId", "channel", "assignee", "receivedInDays", "dueDate", "closedTime"]

    static func matches(_ t: Row, _ c: Ctx) -> Bool {
        if let s = c.query["status"] {
            let wanted = Set(s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
            if !wanted.contains((t["status"]?.stringValue ?? "").lowercased()) { return false }
        }
        // departmentId 0 means every department.
        if let d = c.query["departmentId"], d != "0", idString(t["departmentId"]) != d { return false }
        if let ch = c.query["channel"] {
            let wanted = Set(ch.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
            if !wanted.contains((t["channel"]?.stringValue ?? "").lowercased()) { return false }
        }
        if let a = c.query["assignee"] {
            if a.lowercased() == "unassigned" { if idString(t["assigneeId"]) != nil { return false } }
            else if !a.split(separator: ",").map(String.init).contains(idString(t["assigneeId"]) ?? "") { return false }
        }
        if let days = c.query["receivedInDays"].flatMap(Double.init) {
            let received = FieldText.date(t["customerResponseTime"]) ?? FieldText.date(t["createdTime"])
            guard let received, received >= c.now - days * 86_400 else { return false }
        }
        if let due = c.query["dueDate"], !inWindows(due, t["dueDate"], c, overdue: !isClosed(t)) { return false }
        if let closed = c.query["closedTime"], !inWindows(closed, t["closedTime"], c, overdue: true) { return false }
        return true
    }

    static func isClosed(_ t: Row) -> Bool {
        (t["statusType"]?.stringValue ?? statusType(t["status"]?.stringValue ?? "")).lowercased() == "closed"
    }

    /// A date in one of the keyword windows (`overdue,today`) of the org's time zone.
    /// `overdue` only counts where it may (a closed ticket is never overdue).
    private static func inWindows(_ keywords: String, _ field: JSON?, _ c: Ctx, overdue: Bool) -> Bool {
        guard let date = FieldText.date(field),
              let windows = DateWindow.keywords(keywords, now: c.now, timeZone: c.org.timeZone) else { return false }
        let words = keywords.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return zip(words, windows).contains { word, window in (word != "overdue" || overdue) && window.contains(date) }
    }

    /// Bumps a ticket's string counter ("threadCount", "commentCount").
    static func bump(_ ticketId: String, _ key: String, by delta: Int, _ c: Ctx) {
        c.org.table("tickets").update(ticketId) { t in
            let n = (t[key]?.intValue ?? 0) + Int64(delta)
            t[key] = .string(String(max(0, n)))
        }
    }

    static func ticket(_ c: Ctx) throws -> String {
        _ = try tickets.row(c)
        return c.param("ticketId")
    }

    static var handlers: [String: Handler] {
        [
            "getTickets": { c in
                // No filter asked for: let the table page without testing rows.
                let filtered = filterParameters.contains { c.query[$0] != nil }
                return try (filtered ? tickets.list(where: matches) : tickets.list())(c)
            },
            "getTicket": tickets.get(),
            "createTicket": tickets.create { row, c in
                guard c.string("subject") != nil else { throw SimError.invalid(field: "/subject", "missing", "subject is required") }
                _ = try Departments.departments.require(c, c.string("departmentId"), field: "/departmentId")
                if let contact = c.field("contact")?.objectValue, c.string("contactId") == nil {
                    // Zoho creates (or reuses by email) the contact given inline.
                    let email = contact["email"]?.stringValue
                    if let existing = c.org.table("contacts").first(where: { email != nil && $0["email"]?.stringValue == email }) {
                        row["contactId"] = existing["id"]
                    } else {
                        let new = newRecord("contacts", contact, id: c.newId(), now: c.timestamp)
                        c.org.table("contacts").put(new)
                        row["contactId"] = new["id"]
                    }
                    row["contact"] = nil
                } else {
                    _ = try Contacts.contacts.require(c, c.string("contactId"), field: "/contactId")
                }
                if let a = c.string("assigneeId") { _ = try Agents.agents.require(c, a, field: "/assigneeId") }
                let status = c.string("status") ?? "Open"
                row["status"] = .string(status)
                row["statusType"] = .string(statusType(status))
                c.org.lastTicketNumber += 1
                row["ticketNumber"] = .string(String(c.org.lastTicketNumber))
                row["threadCount"] = "0"
                row["commentCount"] = "0"
                if row["channel"] == nil || row["channel"] == .null { row["channel"] = "Email" }
                if row["priority"] == nil || row["priority"] == .null { row["priority"] = "Medium" }
            },
            "updateTicket": tickets.update { row, c in
                if let a = c.string("assigneeId") { _ = try Agents.agents.require(c, a, field: "/assigneeId") }
                if let status = c.string("status") {
                    row["statusType"] = .string(statusType(status))
                    row["closedTime"] = status.lowercased() == "closed" ? .string(c.timestamp) : .null
                }
            },
            "deleteTicket": tickets.moveToTrash(bodyKey: "ticketIds"),
            "closeTickets": { c in
                let ids = c.ids("ids")
                try Agents.checkIds(ids, in: "tickets", field: "ids", c)
                for id in ids {
                    c.org.table("tickets").update(id) { t in
                        t["status"] = "Closed"; t["statusType"] = "Closed"; t["closedTime"] = .string(c.timestamp)
                    }
                }
                return c.emptyOK
            },
            "getTicketsByContact": { c in
                _ = try Contacts.contacts.row(c)
                return c.list(tickets.rows(c, where: { idString($0["contactId"]) == c.param("contactId") }).map { tickets.view($0, c) })
            },
            "getTicketsByAccount": { c in
                _ = try Contacts.accounts.row(c)
                return c.list(tickets.rows(c, where: { idString($0["accountId"]) == c.param("accountId") }).map { tickets.view($0, c) })
            },
            "getThreads": { c in
                let id = try ticket(c)
                return c.list(threads.rows(c, where: { $0["_ticketId"]?.stringValue == id }).map { threads.view($0, c) })
            },
            "sendReply": { c in
                let id = try ticket(c)
                guard c.string("content") != nil else { throw SimError.invalid(field: "/content", "missing", "content is required") }
                var row = newRecord("threads", c.body?.objectValue ?? [:], id: c.newId(), now: c.timestamp)
                row["_ticketId"] = .string(id)
                row["direction"] = "out"
                row["channel"] = c.field("channel") ?? "EMAIL"
                row["visibility"] = "public"
                c.org.table("threads").put(row)
                bump(id, "threadCount", by: 1, c)
                return .ok(threads.view(row, c))
            },
            "getTicketComments": { c in
                let id = try ticket(c)
                return c.list(comments.rows(c, where: { $0["_ticketId"]?.stringValue == id }).map { comments.view($0, c) })
            },
            "getTicketComment": { c in
                let id = try ticket(c)
                let row = try comments.row(c)
                guard row["_ticketId"]?.stringValue == id else { throw SimError.notFound }
                return .ok(comments.view(row, c))
            },
            "createTicketComment": { c in
                let id = try ticket(c)
                var row = newRecord("comments", c.body?.objectValue ?? [:], id: c.newId(), now: c.timestamp)
                row["_ticketId"] = .string(id)
                row["commentedTime"] = .string(c.timestamp)
                row["commenterId"] = c.org.meAgentId.map { .string($0) } ?? .null
                if row["isPublic"] == nil || row["isPublic"] == .null { row["isPublic"] = false }
                if row["contentType"] == nil || row["contentType"] == .null { row["contentType"] = "plainText" }
                row["attachments"] = .array([])
                c.org.table("comments").put(row)
                bump(id, "commentCount", by: 1, c)
                return .ok(comments.view(row, c))
            },
            "updateTicketComment": { c in
                let id = try ticket(c)
                guard try comments.row(c)["_ticketId"]?.stringValue == id else { throw SimError.notFound }
                return try comments.update()(c)
            },
            "deleteTicketComment": { c in
                let id = try ticket(c)
                let row = try comments.row(c)
                guard row["_ticketId"]?.stringValue == id else { throw SimError.notFound }
                c.org.table("comments").remove(c.param("commentId"))
                bump(id, "commentCount", by: -1, c)
                return c.emptyOK
            },
            "getTasksByTicket": { c in
                let id = try ticket(c)
                return c.list(Activities.tasks.rows(c, where: { idString($0["ticketId"]) == id }).map { Activities.tasks.view($0, c) })
            },
        ]
    }
}
