import JSONValue

/// Ticket tags: the `tags` table (name, tagType, the department it was first
/// used in) and the `ticketTags` relation (ticket → tag). Associating a name
/// nobody used yet creates the tag, as Zoho does.
enum TicketTags {
    static let tags = Resource(name: "tags", idParam: "tagId", defaultLimit: 50)

    static func tags(of ticketId: String, _ c: Ctx) -> [Row] {
        c.org.ticketTags.rights(of: ticketId).compactMap { c.org.table("tags").get($0) }
    }

    static func view(_ tag: Row) -> JSON {
        ["id": tag["id"] ?? .null, "name": tag["name"] ?? .null, "tagType": tag["tagType"] ?? "MANUAL"]
    }

    /// A tag's view with how many tickets carry it.
    static func counted(_ tag: Row, _ c: Ctx) -> JSON {
        guard case .object(var o) = view(tag) else { return .null }
        o["ticketCount"] = .string(String(c.org.ticketTags.lefts(of: tag["id"]?.stringValue ?? "").count))
        return .object(o)
    }

    /// Tags used in `department` (nil or "0": every department).
    static func inDepartment(_ tag: Row, _ department: String?, _ c: Ctx) -> Bool {
        guard let department, department != "0" else { return true }
        if idString(tag["_departmentId"]) == department { return true }
        let tickets = c.org.table("tickets")
        return c.org.ticketTags.lefts(of: tag["id"]?.stringValue ?? "").contains { idString(tickets.get($0)?["departmentId"]) == department }
    }

    static func named(_ names: [String]) -> [String] {
        names.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Tags named in the body are attached to the ticket, created on first use.
    static func associate(_ c: Ctx) throws -> Reply {
        let ticket = try Tickets.tickets.row(c)
        let id = c.param("ticketId")
        let t = c.org.table("tags")
        var out: [JSON] = []
        for name in named((c.field("tags")?.arrayValue ?? []).compactMap(\.stringValue)) {
            let tag = t.first { $0["name"]?.stringValue?.lowercased() == name.lowercased() } ?? {
                var row = newRecord("tags", ["name": .string(name), "tagType": "MANUAL"], id: c.newId(), now: c.timestamp)
                row["_departmentId"] = ticket["departmentId"] ?? .null
                t.put(row)
                return row
            }()
            c.org.ticketTags.add(id, tag["id"]?.stringValue ?? "")
            out.append(view(tag))
        }
        return .ok(["data": .array(out)])
    }

    /// Every tag with its ticket count, sorted by count (or createdTime), paged.
    static func tagsByCount(_ c: Ctx) throws -> Reply {
        // sortBy createdTime or count, descending unless told otherwise ("-" flips it back).
        let counts = c.org.table("tags").all { inDepartment($0, c.query["departmentId"], c) }.map { ($0, counted($0, c)) }
        let sort = c.query["sortBy"] ?? "count"
        let key = sort.hasPrefix("-") ? String(sort.dropFirst()) : sort
        let sorted = counts.enumerated().sorted { a, b in
            let x = key == "count" ? JSON.string(a.element.1["ticketCount"]?.stringValue ?? "0") : a.element.0["createdTime"] ?? .null
            let y = key == "count" ? JSON.string(b.element.1["ticketCount"]?.stringValue ?? "0") : b.element.0["createdTime"] ?? .null
            let order = FieldOrder.compare(x, y)
            if order == 0 { return a.offset < b.offset }
            return sort.hasPrefix("-") ? order < 0 : order > 0
        }.map(\.element.1)
        let page = sorted.dropFirst(c.pageStart).prefix(c.pageLimit(default: 50))
        return .ok(["data": .array(Array(page))])
    }

    static var handlers: [String: Handler] {
        [
            "associateTicketTags": associate,
            "dissociateTicketTags": { c in
                _ = try Tickets.tickets.row(c)
                let id = c.param("ticketId")
                let names = Set(named((c.field("tags")?.arrayValue ?? []).compactMap(\.stringValue)).map { $0.lowercased() })
                for tag in tags(of: id, c) where names.contains(tag["name"]?.stringValue?.lowercased() ?? "") {
                    c.org.ticketTags.remove(id, tag["id"]?.stringValue ?? "")
                }
                return c.emptyOK
            },
            "getTicketTags": { c in
                _ = try Tickets.tickets.row(c)
                return .ok(["tags": .array(tags(of: c.param("ticketId"), c).map(view))])
            },
            "getTags": { c in
                let pattern = TextPattern(c.query["searchVal"] ?? "", freeText: true)
                let rows = tags.rows(c, where: { pattern.matches($0["name"]?.stringValue ?? "") && inDepartment($0, c.query["departmentId"], c) })
                return .ok(["data": .array(rows.map(view))])
            },
            "getTicketsTags": tagsByCount,
            "getRecentTags": { c in
                let rows = c.org.table("tags").all { inDepartment($0, c.query["departmentId"], c) }.reversed()
                return .ok(["data": .array(rows.prefix(10).map { counted($0, c) })])
            },
            "getTicketsByTag": { c in
                let tag = try tags.row(c)
                let ids = Set(c.org.ticketTags.lefts(of: tag["id"]?.stringValue ?? ""))
                return c.list(Tickets.tickets.rows(c, where: { ids.contains($0["id"]?.stringValue ?? "") }).map { Tickets.tickets.view($0, c) })
            },
            "replaceTag": { c in
                let current = try tags.row(c, id: c.param("currentTagId"))
                let from = current["id"]?.stringValue ?? ""
                let to = try tags.require(c, c.string("id"), field: "/id")
                for ticket in c.org.ticketTags.lefts(of: from) {
                    c.org.ticketTags.remove(ticket, from)
                    c.org.ticketTags.add(ticket, to)
                }
                c.org.table("tags").remove(from)
                return .noContent
            },
        ]
    }
}
