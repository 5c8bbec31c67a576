import DeskSim
import Foundation
import JSONValue
import XCTest

/// Issue 30's property: random sequences of reversible writes over the demo
/// fixture, undone, restore it exactly (server-maintained fields aside);
/// with irreversible calls mixed in, the undo plan lists exactly those.
/// A seeded generator (SplitMix64): a failure names its seed, and the same
/// seed makes the same sequence.
final class UndoPropertyTests: UndoTestCase {
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let priorities = ["Low", "Medium", "High", "Urgent"]
    static let statuses = ["Open", "On Hold", "Escalated"]
    static let agents = ["1892000000130002", "1892000000130003", "1892000000130005"]

    /// One random reversible write (Lua), keeping `members` (label → users) in step.
    func reversibleWrite(_ rng: inout SplitMix64, members: inout [String: Set<String>]) -> String {
        let tickets = ids("tickets"), contacts = ids("contacts"), labels = ids("labels"), users = ids("users")
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:
            return "desk.tickets.update('\(tickets.randomElement(using: &rng)!)', { priority = '\(Self.priorities.randomElement(using: &rng)!)' })"
        case 1:
            return "desk.tickets.update('\(tickets.randomElement(using: &rng)!)', { status = '\(Self.statuses.randomElement(using: &rng)!)', assigneeId = '\(Self.agents.randomElement(using: &rng)!)' })"
        case 2:
            return "desk.contacts.update('\(contacts.randomElement(using: &rng)!)', { lastName = 'Name\(Int.random(in: 0..<100, using: &rng))' })"
        default:
            // An add of users not in the label, or a remove of users in it: a membership change that changes something.
            let label = labels.randomElement(using: &rng)!
            let inside = members[label, default: []]
            let add = Bool.random(using: &rng)
            let pool = add ? users.filter { !inside.contains($0) } : inside.sorted()
            guard let user = pool.randomElement(using: &rng) else { return "-- nothing to change in label \(label)" }
            if add { members[label, default: []].insert(user) } else { members[label]?.remove(user) }
            return add ? "desk.api.assignLabelToUsers{ labelId = '\(label)', userIds = { '\(user)' } }"
                : "desk.api.removeLabelsFromUsers{ labelId = '\(label)', userIds = { '\(user)' } }"
        }
    }

    func labelMembers() -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for pair in sim.resource("labelUsers") {
            guard let l = pair["labelId"]?.stringValue, let u = pair["userId"]?.stringValue else { continue }
            out[l, default: []].insert(u)
        }
        return out
    }

    static let grants = ["--allow", "removeLabelsFromUsers", "--allow", "assignLabelToUsers"]

    func testRandomReversibleWritesUndoneRestoreTheFixture() throws {
        for seed: UInt64 in [1, 2, 3, 4, 5, 6] {
            var rng = SplitMix64(state: seed)
            var members = labelMembers()
            let before = state()
            let writes = (0..<Int.random(in: 3...9, using: &rng)).map { _ in reversibleWrite(&rng, members: &members) }
            let runId = try evalRun(writes.joined(separator: "\n"), Self.grants)
            let r = try zdsh(["undo", runId, "--yes"] + Self.grants)
            XCTAssertEqual(r.status, 0, "seed \(seed): \(r.stderr)")
            let diff = Self.differences(before, state())
            XCTAssertTrue(diff.isEmpty, "seed \(seed), writes:\n\(writes.joined(separator: "\n"))\ndiffers:\n\(diff.joined(separator: "\n"))")
        }
    }

    func testWithIrreversibleCallsMixedInTheUndoPlanListsExactlyThose() throws {
        let tickets = ids("tickets")
        for seed: UInt64 in [11, 12, 13, 14] {
            var rng = SplitMix64(state: seed)
            var members = labelMembers()
            var lines: [String] = [], irreversible: [String] = []
            for _ in 0..<Int.random(in: 4...10, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0:
                    lines.append("desk.api.sendReply{ ticketId = '\(tickets.randomElement(using: &rng)!)', channel = 'EMAIL', to = 'a@example.org', fromEmailAddress = 'support@acme.test', content = 'hi' }")
                    irreversible.append("sendReply")
                case 1:
                    lines.append("desk.api.closeTickets{ ids = { '\(tickets.randomElement(using: &rng)!)' } }")
                    irreversible.append("closeTickets")
                default:
                    let write = reversibleWrite(&rng, members: &members)
                    if !write.hasPrefix("--") { lines.append(write) }
                }
            }
            let runId = try evalRun(lines.joined(separator: "\n"), Self.grants + ["--allow", "sendReply"])
            let plan = home + "/undo-\(seed).json"
            let r = try zdsh(["undo", runId, "--dry-run", "--plan-out", plan])
            XCTAssertEqual(r.status, 0, "seed \(seed): \(r.stderr)")
            let listed = FileManager.default.fileExists(atPath: plan)
                ? (try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: plan))))["not_undone"]?.arrayValue ?? []).compactMap(\.stringValue)
                : []
            let named = listed.map { String($0.prefix { $0 != " " }) }
            XCTAssertEqual(named.sorted(), irreversible.sorted(), "seed \(seed): \(lines.joined(separator: "\n"))\n\(r.stderr)")
        }
    }
}
