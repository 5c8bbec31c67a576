import Foundation
import JSONValue

public struct SimStateError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Reading and writing the simulator's state as JSON: the fixture file format,
/// `seed` and `state()` share it.
///
///     {"organizations": [{"id": "…", "isDefault": true, …}],
///      "agents": [{…}], "tickets": [{…}], …,               // data of the default org
///      "labelUsers": [{"labelId": "…", "userId": "…"}],      // relations
///      "groupUsers": [{"groupId", "userId"}], "userBadges": [{"userId", "badgeId"}],
///      "meAgentId": "…",                                     // who the token belongs to
///      "orgs": {"<orgId>": {…same keys…}}}                   // further organisations
///
/// Seeding upserts by id: known ids are merged field by field, rows without an id
/// get a fresh one, and every new row starts from the resource's schema skeleton.
/// For convenience a label or group row may carry `userIds` and a user row
/// `labelIds`, `groupIds` or `badgeIds`; they become relations.
enum StateIO {
    /// `now` stamps `createdTime`/`modifiedTime` of rows the input leaves without them
    /// (an empty string would break the spec's timestamp pattern). `checkRows: false`
    /// only for data already checked (see `Fixture.vetted`).
    static func load(_ json: JSON, into state: SimState, now: String, checkRows: Bool = true) throws {
        guard case .object(let root) = json else { throw SimStateError(description: "state must be a JSON object") }
        if let orgs = root["organizations"] {
            for (i, row) in try rows(orgs, "organizations").enumerated() {
                if checkRows, let p = FixtureCheck.problem(row, resource: "organizations", index: i) { throw SimStateError(description: p) }
                let id = idString(row["id"]) ?? state.newId()
                state.noteExistingId(id)
                var merged = state.organizations.get(id) ?? newRecord("organizations", [:], id: id, now: now)
                for (k, v) in row { merged[k] = v }
                merged["id"] = .string(id)
                state.organizations.put(merged)
                _ = state.addOrg(id)
                if merged["isDefault"]?.stringValue == "true" || merged["isDefault"]?.boolValue == true || state.defaultOrgId.isEmpty {
                    state.defaultOrgId = id
                }
            }
        }
        if state.defaultOrgId.isEmpty {
            let id = state.newId()
            state.organizations.put(newRecord("organizations", ["companyName": "Simulated Org", "isDefault": true], id: id, now: now))
            _ = state.addOrg(id)
            state.defaultOrgId = id
        }
        try loadOrg(root, into: state.addOrg(state.defaultOrgId), state, now: now, checkRows: checkRows)
        if case .object(let more)? = root["orgs"] {
            for (id, data) in more {
                guard state.organizations.contains(id) else {
                    throw SimStateError(description: "orgs.\(id): no such organization in \"organizations\"")
                }
                guard case .object(let o) = data else { throw SimStateError(description: "orgs.\(id) must be an object") }
                try loadOrg(o, into: state.addOrg(id), state, now: now, checkRows: checkRows)
            }
        }
    }

    private static func rows(_ value: JSON, _ key: String) throws -> [Row] {
        guard case .array(let items) = value else { throw SimStateError(description: "\(key) must be an array") }
        return try items.map { item in
            guard case .object(let o) = item else { throw SimStateError(description: "\(key) items must be objects") }
            return o
        }
    }

    static let reserved: Set<String> = ["organizations", "orgs", "meAgentId", "timeZone", "labelUsers", "groupUsers", "userBadges", "ticketTags"]

    private static func loadOrg(_ root: [String: JSON], into org: OrgState, _ state: SimState, now: String, checkRows: Bool) throws {
        if let me = idString(root["meAgentId"]) { org.meAgentId = me }
        if let zone = root["timeZone"] {
            guard let name = zone.stringValue, let tz = TimeZone(identifier: name) else {
                throw SimStateError(description: "timeZone: expected a time zone name such as \"Asia/Kolkata\", got \(zone)")
            }
            org.timeZone = tz
        }
        for (resource, value) in root.sorted(by: { $0.key < $1.key }) where !reserved.contains(resource) {
            let table = org.table(resource)
            for (index, var row) in try rows(value, resource).enumerated() {
                if checkRows, let p = FixtureCheck.problem(row, resource: resource, index: index) { throw SimStateError(description: p) }
                let id = idString(row["id"]) ?? state.newId()
                state.noteExistingId(id)
                let links = ["userIds", "labelIds", "groupIds", "badgeIds"].reduce(into: [String: [String]]()) { acc, k in
                    if ["labels", "groups", "users"].contains(resource), let ids = row.removeValue(forKey: k)?.arrayValue {
                        acc[k] = ids.compactMap(idString)
                    }
                }
                var merged = table.get(id) ?? newRecord(resource, [:], id: id, now: now)
                for (k, v) in row { merged[k] = v }
                merged["id"] = .string(id)
                table.put(merged)
                if resource == "tickets", let n = merged["ticketNumber"]?.intValue { org.lastTicketNumber = max(org.lastTicketNumber, n) }
                for u in links["userIds"] ?? [] {
                    if resource == "labels" { org.labelUsers.add(id, u, info: ["isPrimary": false]) }
                    if resource == "groups" { org.groupUsers.add(id, u) }
                }
                for l in links["labelIds"] ?? [] { org.labelUsers.add(l, id, info: ["isPrimary": false]) }
                for g in links["groupIds"] ?? [] { org.groupUsers.add(g, id) }
                for b in links["badgeIds"] ?? [] { org.userBadges.add(id, b) }
            }
        }
        try defaultHelpCenters(org)
        for (name, (leftKey, rightKey)) in OrgState.relationNames {
            guard let value = root[name], let relation = org.relation(name) else { continue }
            for var pair in try rows(value, name) {
                guard let l = idString(pair.removeValue(forKey: leftKey)), let r = idString(pair.removeValue(forKey: rightKey)) else {
                    throw SimStateError(description: "\(name) items need \(leftKey) and \(rightKey)")
                }
                relation.add(l, r, info: pair)
            }
        }
    }

    /// Help-center users, labels and groups belong to a help center: one loaded
    /// without `helpCenterId` gets the org's only help center (it would vanish from
    /// every help-center listing otherwise); with several, the default one; without a default, it is an
    /// error. An org without help centers has no listing to vanish from.
    private static func defaultHelpCenters(_ org: OrgState) throws {
        let all = org.table("helpCenters").all()
        guard !all.isEmpty else { return }
        let defaults = all.filter { $0["isDefault"]?.boolValue == true }
        let centers = (all.count == 1 ? all : defaults).compactMap { idString($0["id"]) }
        for resource in ["users", "labels", "groups"] {
            let table = org.table(resource)
            for row in table.all() where idString(row["helpCenterId"]) == nil && idString(row["_helpCenterId"]) == nil {
                let id = idString(row["id"]) ?? "?"
                guard centers.count == 1 else {
                    let why = "the org has \(all.count) help centers and not one default, so it must say which"
                    throw SimStateError(description: "\(resource) (id \(id)): field helpCenterId is missing and \(why)")
                }
                var fixed = row
                fixed["helpCenterId"] = .string(centers[0])
                table.put(fixed)
            }
        }
    }

    static func dump(_ state: SimState) -> JSON {
        var out = dumpOrg(state.org(state.defaultOrgId) ?? OrgState(orgId: state.defaultOrgId))
        out["organizations"] = .array(state.organizations.all().map { .object($0) })
        let others = state.orgs.filter { $0.key != state.defaultOrgId }
        if !others.isEmpty { out["orgs"] = .object(others.mapValues { .object(dumpOrg($0)) }) }
        return .object(out)
    }

    static func dumpOrg(_ org: OrgState) -> [String: JSON] {
        var out: [String: JSON] = [:]
        for (name, table) in org.tables { out[name] = .array(table.all().map { .object($0) }) }
        for (name, (leftKey, rightKey)) in OrgState.relationNames {
            let relation = org.relation(name)!
            out[name] = .array(relation.pairs.map { l, r in
                var o = relation.info(l, r)
                o[leftKey] = .string(l); o[rightKey] = .string(r)
                return .object(o)
            })
        }
        if let me = org.meAgentId { out["meAgentId"] = .string(me) }
        if org.timeZone.identifier != "UTC" { out["timeZone"] = .string(org.timeZone.identifier) }
        return out
    }
}
