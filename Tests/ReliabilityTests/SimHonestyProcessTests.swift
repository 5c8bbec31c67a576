import DeskCore
import DeskSim
import Foundation
import JSONValue
import TestSupport
import XCTest

/// Issue 28 as a person sees it: `zdsh` against `zdsh sim serve`-style HTTP
/// and against the in-process `--sim` finds records by their filters, and
/// says once per run which answers the simulator made up (`--strict-sim`
/// turns that into exit 5, SIM_UNMODELLED).
final class SimHonestyProcessTests: XCTestCase {
    static func stamp(days: Double) -> String { UTCTimestamp.milliseconds(from: Date().addingTimeInterval(days * 86_400)) }

    /// Three tickets of the demo org's first department: overdue, closed and late, due next week.
    static func seedTickets(_ sim: Simulator) throws -> String {
        let dept = try XCTUnwrap(sim.resource("departments").first?["id"]?.stringValue)
        let contact = try XCTUnwrap(sim.resource("contacts").first?["id"]?.stringValue)
        try sim.seed(["tickets": [
            ["id": "990001", "subject": "Overdue one", "status": "Open", "statusType": "Open", "dueDate": .string(stamp(days: -1)),
             "departmentId": .string(dept), "contactId": .string(contact)],
            ["id": "990002", "subject": "Closed late", "status": "Closed", "statusType": "Closed", "dueDate": .string(stamp(days: -2)),
             "departmentId": .string(dept), "contactId": .string(contact)],
            ["id": "990003", "subject": "Next week", "status": "Open", "statusType": "Open", "dueDate": .string(stamp(days: 7)),
             "departmentId": .string(dept), "contactId": .string(contact)],
        ]])
        return dept
    }

    static let overdueChunk = """
    local out = {}
    for _, t in ipairs(desk.tickets.list{dueDate = "overdue", limit = 100}) do
      if t.id:sub(1, 4) == "9900" then out[#out + 1] = t.id end
    end
    return table.concat(out, ",")
    """

    func testServedSimulatorHonoursFiltersAndReportsWhatItMadeUp() async throws {
        let served = ServedSimulator(tag: "honesty")
        try await served.start()
        do {
            try await check(served)
        } catch {
            await served.stop()
            throw error
        }
        await served.stop()
    }

    private func check(_ served: ServedSimulator) async throws {
        _ = try Self.seedTickets(served.sim)

        let overdue = try Zdsh.run(["eval", Self.overdueChunk], env: served.env)
        XCTAssertEqual(overdue.status, 0, overdue.stderr)
        XCTAssertEqual(overdue.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "990001")
        XCTAssertFalse(overdue.stderr.contains("did not model"), overdue.stderr)

        let email = try XCTUnwrap(served.sim.resource("contacts").first?["email"]?.stringValue)
        let search = try Zdsh.run(["eval", "local r = desk.api.searchContacts{_all = '\(email)'}; return #r"], env: served.env)
        XCTAssertEqual(search.status, 0, search.stderr)
        XCTAssertEqual(search.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "1")

        let chunk = "desk.api.getContacts{viewId = '5'}; desk.api.getContacts{viewId = '6'}; desk.api.getLayouts{module = 'tickets'}; return 1"
        let loose = try Zdsh.run(["eval", "--json", chunk], env: served.env)
        XCTAssertEqual(loose.status, 0, loose.stderr)
        let doc = try JSON.parse(Array(loose.stdout.utf8))
        let entries = try XCTUnwrap(doc["summary"]?["sim_unmodelled"]?.arrayValue)
        XCTAssertEqual(entries.map { $0["operation"] }, ["getContacts", "getLayouts"])
        XCTAssertEqual(entries[0]["parameters"], ["viewId"])
        XCTAssertEqual(entries[1]["parameters"]?[0], "*")

        let text = try Zdsh.run(["eval", chunk], env: served.env)
        XCTAssertEqual(text.stderr.components(separatedBy: "did not model").count - 1, 1, "said once: \(text.stderr)")
        XCTAssertTrue(text.stderr.contains("getContacts (viewId)"), text.stderr)
        XCTAssertTrue(text.stderr.contains("getLayouts (whole answer"), text.stderr)

        let strict = try Zdsh.run(["eval", "--json", "--strict-sim", chunk], env: served.env)
        XCTAssertEqual(strict.status, 5, strict.stderr)
        XCTAssertTrue(strict.stderr.contains("SIM_UNMODELLED"), strict.stderr)
    }

    func testInProcessSimulatorStrictModeAndPlans() throws {
        let home = Zdsh.tempDir("honesty-sim")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let env = Zdsh.environment(home: home)
        let modelled = try Zdsh.run(["eval", "--sim", "--strict-sim", "return #desk.tickets.list{status = 'Open', sortBy = 'createdTime'}"], env: env)
        XCTAssertEqual(modelled.status, 0, "every parameter is modelled: \(modelled.stderr)")

        let strict = try Zdsh.run(["eval", "--sim", "--strict-sim", "--json", "return desk.api.getContacts{viewId = '5'}"], env: env)
        XCTAssertEqual(strict.status, 5, strict.stderr)
        let last = strict.stderr.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.contains("\"error_code\":\"SIM_UNMODELLED\""), strict.stderr)

        let runbook = home + "/plan.lua"
        try """
        return runbook {
          name = "plan-on-made-up-answers",
          description = "Plans a write after a read the simulator only synthesises.",
          params = {},
          main = function(p)
            desk.api.getLayouts{module = "tickets"}
            local t = desk.tickets.list{limit = 1}[1]
            desk.api.updateTicket{ticketId = t.id, subject = "renamed"}
            return 1
          end,
        }
        """.write(toFile: runbook, atomically: true, encoding: .utf8)
        let plan = try Zdsh.run(["run", runbook, "--sim", "--dry-run", "--plan-out", home + "/plan.json"], env: env)
        XCTAssertTrue(plan.stderr.contains("made from answers the simulator did not model"), plan.stderr)
        let saved = try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: home + "/plan.json"))))
        XCTAssertEqual(saved["sim_unmodelled"]?[0]?["operation"], "getLayouts", "\(saved)")
    }

    /// `zdsh apply --strict-sim` fails a call whose answer the simulator would
    /// make up (exit 5, SIM_UNMODELLED), as run and eval do; without it the apply goes on.
    func testApplyHonoursStrictSim() throws {
        let home = Zdsh.tempDir("honesty-apply")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let env = Zdsh.environment(home: home)
        let runbook = home + "/hours.lua"
        try """
        return runbook {
          name = "rename-hours",
          writes = { "updateBusinessHour" },
          main = function()
            desk.api.updateBusinessHour{businessHourId = "1892000000000001", name = "renamed"}
          end,
        }
        """.write(toFile: runbook, atomically: true, encoding: .utf8)
        let plan = home + "/plan.json"
        let made = try Zdsh.run(["run", runbook, "--sim", "--dry-run", "--plan-out", plan], env: env)
        XCTAssertEqual(made.status, 0, made.stderr)
        let strict = try Zdsh.run(["apply", plan, "--yes", "--strict-sim"], env: env)
        XCTAssertEqual(strict.status, 5, strict.stderr)
        XCTAssertTrue(strict.stderr.contains("SIM_UNMODELLED"), strict.stderr)
        let loose = try Zdsh.run(["apply", plan, "--yes"], env: env)
        XCTAssertEqual(loose.status, 0, loose.stderr)
    }
}
