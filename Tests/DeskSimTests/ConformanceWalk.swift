import DeskCatalog
import DeskCore
import Foundation
import JSONValue
@testable import DeskSim

/// Calls every catalog operation once with a request it accepts (ids of
/// records the demo org has, required query parameters, a body of the
/// required fields) and checks each answer with `ResponseChecker`. Also calls
/// every operation without a token (401) and, where its path names stored
/// records, with an id nobody has (404), so error answers are checked too.
struct ConformanceWalk {
    struct Report {
        var operations = 0
        var answers = 0
        var successes = 0
        var errorsByStatus: [Int: Int] = [:]
        var violations: [ResponseViolation] = []
        /// Operations the valid request did not get a 2xx from, with the answer.
        var refused: [String] = []
        var summary: String {
            "\(operations) operations, \(answers) answers (\(successes) success, errors \(errorsByStatus.sorted { $0.key < $1.key })), "
                + "\(violations.count) violations, \(ResponseQuirks.count) quirks listed"
        }
    }

    let checker = ResponseChecker()
    static let unknownId = "1892999999999999"

    /// `send` gets a fresh simulator's request; a fresh simulator per operation
    /// keeps one operation's deletes from changing what the next one sees.
    func run(operations: [DeskCatalog.Operation] = Catalog.shared.operations, fixture: Fixture = .demo,
             send: (Simulator, WireRequest) async throws -> WireResponse) async throws -> Report {
        var report = Report()
        for op in operations {
            report.operations += 1
            let sim = Simulator(fixture: fixture)
            var variants: [(label: String, request: WireRequest, expect: Int?)] = [
                ("valid", request(op, sim, unknownIds: false, token: sim.issueToken()), nil),
                ("no token", request(op, sim, unknownIds: false, token: nil), op.requiresAuth ? 401 : nil),
            ]
            if names(op).contains(where: { PathResources.table(for: $0, in: op.path) != nil || $0 == "organizationId" }) {
                variants.append(("unknown id", request(op, sim, unknownIds: true, token: sim.issueToken()), 404))
            }
            for v in variants {
                let r = try await send(sim, v.request)
                // The answer is the routed operation's: two operations share a route (ResponseQuirks.sharedRoutes).
                let routed = sim.requestLog.last?.operationId ?? op.id
                if routed != op.id, ResponseQuirks.sharedRoutes[op.id]?.answeredBy != routed {
                    report.violations.append(ResponseViolation(operationId: op.id, status: r.status, pointer: "",
                                                               message: "\(v.label): routed to \(routed)"))
                }
                report.answers += 1
                if (200..<300).contains(r.status) { report.successes += 1 } else { report.errorsByStatus[r.status, default: 0] += 1 }
                if v.label == "valid", !(200..<300).contains(r.status) {
                    report.refused.append("\(op.id) \(r.status) \(String(decoding: r.body.prefix(200), as: UTF8.self))")
                }
                if let want = v.expect, r.status != want {
                    report.violations.append(ResponseViolation(operationId: op.id, status: r.status, pointer: "",
                                                               message: "\(v.label): expected status \(want)"))
                }
                report.violations += checker.check(operationId: routed, status: r.status, body: r.body)
            }
        }
        return report
    }

    private func names(_ op: DeskCatalog.Operation) -> [String] {
        op.parameters.filter { $0.location == .path }.map(\.name)
    }

    func request(_ op: DeskCatalog.Operation, _ sim: Simulator, unknownIds: Bool, token: String?) -> WireRequest {
        let instance = SchemaInstance(newId: { "1892000099990001" }, timestamp: "2024-05-01T10:00:00.000Z")
        var path = op.path
        for p in op.parameters where p.location == .path {
            let value: String
            if p.name == "organizationId" {
                value = unknownIds ? Self.unknownId : sim.orgId
            } else if let table = PathResources.table(for: p.name, in: op.path) {
                // Untrashed records: a trashed one answers 404 like an unknown id.
                let live = sim.resource(table).first { $0["isTrashed"]?.boolValue != true && $0["_trashed"] == nil }
                value = unknownIds ? Self.unknownId : (live?["id"]?.stringValue ?? Self.unknownId)
            } else if p.name == "commentId", !unknownIds {
                let ticket = sim.resource("tickets").first?["id"]?.stringValue
                value = sim.resource("comments").first { idString($0["_ticketId"]) == ticket }?["id"]?.stringValue ?? Self.unknownId
            } else {
                value = text(instance.value(p.schema, name: p.name))
            }
            path = path.replacingOccurrences(of: "{\(p.name)}", with: value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? value)
        }
        var query: [String] = []
        for p in op.parameters where p.location == .query && p.required && !SpecQuirks.queryMayBeOmitted(op.id, p.name) {
            let v = text(instance.value(p.schema, name: p.name))
            query.append("\(p.name)=\(v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? v)")
        }
        var headers: [Header] = []
        if let token { headers.append(Header("Authorization", "Zoho-oauthtoken \(token)")) }
        headers.append(Header("orgId", sim.orgId))
        var body: [UInt8]?
        if let b = op.body, b.contentType.contains("json") {
            headers.append(Header("Content-Type", "application/json"))
            body = unknownIds ? instance.value(b.schema).encodedBytes() : withStoredIds(instance.value(b.schema), sim, op).encodedBytes()
        } else if op.takesFiles, let form = try? MultipartBody(files: op.fileFields.map {
            UploadFile(field: $0, fileName: "walk.txt", contentType: "text/plain", bytes: Array("walk".utf8))
        }) {
            // The upload operations take multipart/form-data only (JSON is 415).
            headers.append(Header("Content-Type", form.contentType))
            body = form.bytes
        }
        let url = sim.apiURL + path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        return WireRequest(method: op.method, url: url, headers: headers, body: body)
    }

    /// Body fields naming stored records, and the table each one names.
    static let bodyTables: [String: String] = [
        "profileId": "profiles", "roleId": "roles", "departmentId": "departments", "helpCenterId": "helpCenters",
        "accountId": "accounts", "contactId": "contacts", "ticketId": "tickets", "assigneeId": "agents",
        "agentNewDepartment": "departments", "transferToProfileId": "profiles", "transferToRoleId": "roles",
        "userIds": "users", "users": "users", "labelIds": "labels", "labels": "labels", "groupIds": "groups",
        "groups": "groups", "badgeIds": "badges", "agentIds": "agents", "ticketIds": "tickets", "contactIds": "contacts",
        "accountIds": "accounts", "productIds": "products", "entityIds": "tasks", "reportsTo": "roles",
    ]

    /// The generated body with ids of records the org has, so the valid request reaches the
    /// operation's success path. A transfer target differs from the record in the path.
    func withStoredIds(_ body: JSON, _ sim: Simulator, _ op: DeskCatalog.Operation) -> JSON {
        guard case .object(var o) = body else { return body }
        let pathIds = Set(op.parameters.filter { $0.location == .path }.compactMap { p in
            PathResources.table(for: p.name, in: op.path).flatMap { sim.resource($0).first?["id"]?.stringValue } })
        func stored(_ table: String) -> JSON? {
            let ids = sim.resource(table).compactMap { $0["id"]?.stringValue }
            return (ids.first { !pathIds.contains($0) } ?? ids.first).map(JSON.string)
        }
        for (k, v) in o {
            if k == "id", op.id == "updateDefaultOrganizaion" { o[k] = .string(sim.orgId); continue }
            guard let table = Self.bodyTables[k], let id = stored(table) else { continue }
            switch v {
            case .string, .int: o[k] = id
            case .array(let items):
                let wantsObjects = op.body?.schema.properties?[k]?.items?.types.contains("object") ?? false
                o[k] = .array((items.isEmpty ? [wantsObjects ? .object([:]) : .null] : items).map { item in
                    if case .object(var e) = item { e["id"] = id; return .object(e) }
                    return id
                })
            default: continue
            }
        }
        return .object(o)
    }

    private func text(_ v: JSON) -> String {
        switch v {
        case .string(let s): return s
        case .null: return ""
        case .array(let a): return a.map(text).joined(separator: ",")
        default: return v.encoded()
        }
    }
}
