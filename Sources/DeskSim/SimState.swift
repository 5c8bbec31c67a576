import Foundation
import JSONValue

/// The data of one organisation (portal): a table per resource and the
/// many-to-many relations between help-center users, labels, groups and badges.
final class OrgState {
    let orgId: String
    private(set) var tables: [String: Table] = [:]
    /// "labelUsers" (label → user), "groupUsers" (group → user), "userBadges" (user → badge).
    let labelUsers = Relation()
    let groupUsers = Relation()
    let userBadges = Relation()
    /// "ticketTags" (ticket → tag); the tags themselves are the `tags` table.
    let ticketTags = Relation()
    /// The org's time zone for date keywords (`today`, `overdue`): the fixture's `timeZone`, UTC by default.
    var timeZone = TimeZone(identifier: "UTC")!
    /// The agent the simulated token belongs to (`/myinfo`, comment authors).
    var meAgentId: String?
    /// Highest ticket number handed out (kept here so creating a ticket never scans the table).
    var lastTicketNumber: Int64 = 100

    static let relationNames = ["labelUsers": ("labelId", "userId"), "groupUsers": ("groupId", "userId"),
                                "userBadges": ("userId", "badgeId"),
                                "ticketTags": ("ticketId", "tagId")]

    init(orgId: String) { self.orgId = orgId }

    func table(_ name: String) -> Table {
        if let t = tables[name] { return t }
        let t = Table()
        tables[name] = t
        return t
    }

    func setTable(_ name: String, _ table: Table) { tables[name] = table }

    func relation(_ name: String) -> Relation? {
        switch name {
        case "labelUsers": return labelUsers
        case "groupUsers": return groupUsers
        case "userBadges": return userBadges
        case "ticketTags": return ticketTags
        default: return nil
        }
    }
}

/// Everything the simulator knows: organisations and their data. Guarded by
/// the simulator's lock; never touched concurrently.
final class SimState {
    let organizations = Table()
    private(set) var orgs: [String: OrgState] = [:]
    var defaultOrgId: String = ""
    private var nextId: Int64 = 1_892_000_001_000_000

    func org(_ id: String) -> OrgState? { orgs[id] }

    func addOrg(_ id: String) -> OrgState {
        if let o = orgs[id] { return o }
        let o = OrgState(orgId: id)
        orgs[id] = o
        return o
    }

    /// A fresh Zoho-style id (a long digit string), deterministic per run.
    func newId() -> String {
        nextId += 1
        return String(nextId)
    }

    /// Keeps generated ids clear of ids loaded from fixtures.
    func noteExistingId(_ id: String) {
        if let n = Int64(id), n >= nextId, n < 9_000_000_000_000_000_000 { nextId = n }
    }
}
