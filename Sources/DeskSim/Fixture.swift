import Foundation
import DeskCore
import JSONValue

/// Initial state for a simulator: JSON in the `StateIO` format, plus an
/// optional number of tickets generated on demand (benchmarks).
public struct Fixture: Sendable {
    /// The state, built against the simulator clock's "now" (so relative dates
    /// such as "a ticket older than 30 days" hold whatever the clock says).
    public var build: @Sendable (Date) -> JSON
    /// Tickets generated lazily in the default org, before any in the JSON.
    public var lazyTickets: Int
    /// Rows already checked against the spec's schemas: a file `load` checked,
    /// or zdsh's own fixtures (FixtureTests checks them). Checking needs every
    /// response schema decoded, which would cost each `--sim` start ~100 ms.
    var vetted = false
    /// The default organisation's id, when known without building the state:
    /// the simulator then builds it at its first use instead of at start.
    var defaultOrgId: String?

    public init(json: JSON, lazyTickets: Int = 0) {
        self.build = { _ in json }
        self.lazyTickets = lazyTickets
    }

    public init(lazyTickets: Int = 0, build: @escaping @Sendable (Date) -> JSON) {
        self.build = build
        self.lazyTickets = lazyTickets
    }

    /// The built-in demo organisation (see `DemoFixture`).
    public static var demo: Fixture { Fixture { DemoFixture.json(now: $0) }.asVetted.inOrg(DemoFixture.orgId) }

    /// The demo organisation plus `labelUsers` extra help-center users all carrying
    /// the first label, and `tickets` lazily generated tickets (for benchmarks).
    public static func bulk(labelUsers: Int = 0, tickets: Int = 0) -> Fixture {
        Fixture(lazyTickets: tickets) { now in BulkFixture.json(now: now, labelUsers: labelUsers) }.asVetted.inOrg(DemoFixture.orgId)
    }

    /// Loads a fixture file (the `state()` / seed format).
    public static func load(path: String) throws -> Fixture {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let json: JSON
        do { json = try JSON.parse(Array(data)) } catch { throw SimStateError(description: "\(path): not valid JSON: \(error)") }
        // Checked now, so a bad record is reported with its file before anything runs.
        let checked = SimState()
        do { try StateIO.load(json, into: checked, now: UTCTimestamp.milliseconds(from: Date())) } catch let e as SimStateError {
            throw SimStateError(description: "\(path): \(e.description)")
        }
        return Fixture(json: json).asVetted.inOrg(checked.defaultOrgId)
    }

    private var asVetted: Fixture {
        var f = self
        f.vetted = true
        return f
    }

    private func inOrg(_ id: String) -> Fixture {
        var f = self
        f.defaultOrgId = id
        return f
    }

    /// An empty organisation and nothing else.
    public static var empty: Fixture {
        Fixture(json: ["organizations": [["id": .string(emptyOrgId), "companyName": "Empty Org", "isDefault": true]]])
            .asVetted.inOrg(emptyOrgId)
    }

    private static let emptyOrgId = "60000001"

    func apply(to state: SimState, now: Date) throws {
        try StateIO.load(build(now), into: state, now: UTCTimestamp.milliseconds(from: now), checkRows: !vetted)
        if lazyTickets > 0, let org = state.org(state.defaultOrgId) {
            let existing = org.table("tickets")
            let generated = Table(lazy: BulkFixture.lazyTickets(count: lazyTickets, org: org, now: now))
            existing.forEach { generated.put($0); return true }
            org.setTable("tickets", generated)
            org.lastTicketNumber = max(org.lastTicketNumber, 100_000 + Int64(lazyTickets))
        }
    }
}
