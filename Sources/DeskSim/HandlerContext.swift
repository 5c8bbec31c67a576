import DeskCatalog
import DeskCore
import Foundation
import JSONValue

/// Everything a stateful handler may look at. Handlers run under the
/// simulator's lock and must check everything before changing anything, so a
/// request that fails (or is faulted) leaves the state untouched.
struct Ctx {
    let state: SimState
    let org: OrgState
    let op: DeskCatalog.Operation
    let params: [String: String]
    let query: [String: String]
    let body: JSON?
    let now: Date
    /// What the answer honoured of `query` (the rest is reported as not modelled).
    var use = QueryUse()

    var timestamp: String { UTCTimestamp.milliseconds(from: now) }

    func param(_ name: String) -> String { params[name] ?? "" }

    func field(_ key: String) -> JSON? {
        guard let v = body?[key], v != .null else { return nil }
        return v
    }

    func string(_ key: String) -> String? {
        switch field(key) {
        case .string(let s)?: return s
        case .int(let i)?: return String(i)
        default: return nil
        }
    }

    /// A body array of ids (digit strings or integers), as in `{"userIds": [...]}`.
    func ids(_ key: String) -> [String] {
        (field(key)?.arrayValue ?? []).compactMap { v in
            switch v {
            case .string(let s): return s
            case .int(let i): return String(i)
            case .object(let o): return o["id"].flatMap { $0.stringValue ?? $0.intValue.map(String.init) }
            default: return nil
            }
        }
    }

    /// Comma-separated ids in a query parameter (`?agentIds=1,2`).
    func queryIds(_ key: String) -> [String] {
        (query[key] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func newId() -> String { state.newId() }

    /// 0-based start index from `from` (1-based in most lists; 0 is accepted as the start too).
    var pageStart: Int { max((Int(query["from"] ?? "") ?? 1) - 1, 0) }

    /// Never negative: a hostile `limit=-1` must not reach `prefix(_:)`.
    func pageLimit(default d: Int) -> Int { max(Int(query["limit"] ?? "") ?? d, 0) }

    /// A list response: 204 when empty and the operation documents 204, else `{key: items}`.
    func list(_ items: [JSON], key: String = "data") -> Reply {
        if items.isEmpty, op.successCodes.contains(204) { return .noContent }
        return .ok([key: .array(items)])
    }

    /// Operations documented as "200, no content".
    var emptyOK: Reply { .bytes([], contentType: "application/json;charset=UTF-8", status: 200) }
}

typealias Handler = @Sendable (Ctx) throws -> Reply

/// Internal bookkeeping keys start with "_" and never leave the simulator.
func publicView(_ row: Row) -> JSON {
    .object(row.filter { !$0.key.hasPrefix("_") })
}

func idString(_ v: JSON?) -> String? {
    switch v {
    case .string(let s)?: return s
    case .int(let i)?: return String(i)
    default: return nil
    }
}

/// A new record: the resource's schema skeleton, then `fields`, then id and timestamps.
func newRecord(_ resource: String, _ fields: Row, id: String, now: String) -> Row {
    var row = ResourceShapes.template(resource)
    for (k, v) in fields { row[k] = v }
    row["id"] = .string(id)
    for k in ["createdTime", "modifiedTime"] where row.keys.contains(k) && (row[k] == nil || row[k] == .null) {
        row[k] = .string(now)
    }
    return row
}

/// Generic list/get/create/update/count/trash behaviour of one resource table.
struct Resource: Sendable {
    let name: String
    let idParam: String
    var defaultLimit = 10
    /// Adds computed fields (counts, embedded objects) to a stored row.
    var decorate: (@Sendable (Row, Ctx) -> Row)?

    func view(_ row: Row, _ c: Ctx) -> JSON { publicView(decorate?(row, c) ?? row) }

    func row(_ c: Ctx, id: String? = nil) throws -> Row {
        let key = id ?? c.params[idParam] ?? c.params[Resource.snake(idParam)] ?? ""
        guard let r = c.org.table(name).get(key) else { throw SimError.notFound }
        return r
    }

    func require(_ c: Ctx, _ id: String?, field: String) throws -> String {
        guard let id, c.org.table(name).contains(id) else {
            throw SimError.invalid(field: field, "invalid", "\(field) does not refer to an existing record")
        }
        return id
    }

    /// The fields a query over this resource may name: the skeleton's and the stored records'.
    func fields(_ c: Ctx) -> Set<String> {
        var out = Set(ResourceShapes.template(name).keys)
        c.org.table(name).forEach { row in out.formUnion(row.keys.filter { !$0.hasPrefix("_") }); return false }
        return out
    }

    /// The request's generic filters and order over this resource (noted as honoured).
    func query(_ c: Ctx) -> RecordQuery {
        let q = RecordQuery(c, fields: fields(c), skipping: QueryModel.handledByHandler[c.op.id] ?? [])
        c.use.honour(q.honoured)
        return q
    }

    /// Every record `match` and the request's query keep, in the asked order.
    func matching(_ c: Ctx, where match: ((Row) -> Bool)? = nil) -> [Row] {
        let q = query(c)
        return q.sorted(c.org.table(name).all { (match?($0) ?? true) && q.matches($0) })
    }

    func rows(_ c: Ctx, where match: ((Row) -> Bool)? = nil) -> [Row] {
        let t = c.org.table(name)
        let q = query(c)
        let limit = c.pageLimit(default: defaultLimit)
        guard q.sort != nil else {
            let combined: ((Row) -> Bool)? = q.isEmpty ? match : { (match?($0) ?? true) && q.matches($0) }
            return t.page(start: c.pageStart, limit: limit, where: combined)
        }
        let sorted = q.sorted(t.all { (match?($0) ?? true) && q.matches($0) })
        return Array(sorted.dropFirst(c.pageStart).prefix(limit))
    }

    /// A search answer: `{data, count}` over every record the query keeps, `from` counted
    /// from 0 as Zoho's search endpoints count it; 204 when nothing matches.
    func search(where filter: (@Sendable (Row, Ctx) -> Bool)? = nil, module: String? = nil) -> Handler {
        { c in
            let all = matching(c, where: filter.map { f in { f($0, c) } })
            let start = max(Int(c.query["from"] ?? "") ?? 0, 0)
            let page = all.dropFirst(start).prefix(c.pageLimit(default: defaultLimit))
            if page.isEmpty, c.op.successCodes.contains(204) { return .noContent }
            let items = page.map { row -> JSON in
                guard let module, case .object(var o) = view(row, c) else { return view(row, c) }
                o["module"] = .string(module)
                return .object(o)
            }
            return .ok(["data": .array(Array(items)), "count": .string(String(all.count))])
        }
    }

    func list(key: String = "data", where filter: (@Sendable (Row, Ctx) -> Bool)? = nil) -> Handler {
        { c in c.list(rows(c, where: filter.map { f in { f($0, c) } }).map { view($0, c) }, key: key) }
    }

    func get() -> Handler { { c in .ok(view(try row(c), c)) } }

    func create(_ prepare: (@Sendable (inout Row, Ctx) throws -> Void)? = nil) -> Handler {
        { c in
            var row = newRecord(name, c.body?.objectValue ?? [:], id: c.newId(), now: c.timestamp)
            try prepare?(&row, c)
            c.org.table(name).put(row)
            return .ok(view(row, c))
        }
    }

    func update(_ prepare: (@Sendable (inout Row, Ctx) throws -> Void)? = nil) -> Handler {
        { c in
            var row = try row(c)
            for (k, v) in c.body?.objectValue ?? [:] where k != "id" {
                // Custom fields are merged, everything else replaced.
                if k == "cf", case .object(let new) = v, case .object(var old)? = row[k] {
                    for (ck, cv) in new { old[ck] = cv }
                    row[k] = .object(old)
                } else {
                    row[k] = v
                }
            }
            if row.keys.contains("modifiedTime") { row["modifiedTime"] = .string(c.timestamp) }
            try prepare?(&row, c)
            c.org.table(name).put(row)
            return .ok(view(row, c))
        }
    }

    func count(where filter: (@Sendable (Row, Ctx) -> Bool)? = nil) -> Handler {
        { c in
            let t = c.org.table(name)
            let q = query(c)
            let n = filter == nil && q.isEmpty ? t.count : t.all(where: { (filter?($0, c) ?? true) && q.matches($0) }).count
            return .ok(["count": .int(Int64(n))])
        }
    }

    func byIds(_ queryKey: String) -> Handler {
        { c in
            let t = c.org.table(name)
            return c.list(c.queryIds(queryKey).compactMap { t.get($0) }.map { view($0, c) })
        }
    }

    /// "Delete" = move to the recycle bin; unknown ids are a 422 and nothing moves.
    func moveToTrash(bodyKey: String) -> Handler {
        { c in
            let ids = c.ids(bodyKey)
            let t = c.org.table(name)
            for (i, id) in ids.enumerated() where !t.contains(id) {
                throw SimError.invalid(field: "/\(bodyKey)/\(i)", "invalid", "No record with id \(id)")
            }
            for id in ids { RecycleBin.trash(resource: name, id: id, c) }
            return .noContent
        }
    }
}

/// A `results[]` mass-action outcome for one id.
func resultEntry(_ id: String, error: SimError? = nil) -> JSON {
    guard let e = error else { return ["success": true, "id": .string(id), "errors": .null] }
    return ["success": false, "id": .string(id),
            "errors": ["errorCode": .string(e.code), "httpCode": .string(String(e.status)), "error": .string(e.message),
                       "errorMessage": .string(e.message)]]
}

extension Resource {
    /// Zoho spells some path parameters both ways ("teamId" and "team_id").
    static func snake(_ s: String) -> String {
        var out = ""
        for ch in s {
            if ch.isUppercase { out += "_" + ch.lowercased() } else { out.append(ch) }
        }
        return out
    }
}
