import Foundation
import JSONValue
import DeskGate
import DeskRepl
import PlanApply
import Runbooks
import ScenarioTesting
import ShellCore
import XCTest

/// `zdsh test` reports what the simulator did not model per scenario, and a
/// scenario file with `sim.options{strict_sim = true}` fails on it.
final class SimUnmodelledScenarioTests: XCTestCase {
    func write(_ text: String) throws -> String {
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("honesty_test.lua").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testReportsAndStrictOption() throws {
        let loose = try write("""
        describe("honesty", function()
          it("filters tickets", function()
            sim.seed{tickets = {{id = "880001", subject = "Printer log", status = "Open"}}}
            local found = desk.api.searchTickets{subject = "*printer*"}
            expect(found[1].id).to_be("880001")
            expect(#sim.unmodelled()).to_be(0)
          end)
          it("says what it made up", function()
            desk.api.getContacts{viewId = "5"}
            local u = sim.unmodelled()
            expect(u[1].operation).to_be("getContacts")
            expect(u[1].parameters[1]).to_be("viewId")
          end)
        end)
        """)
        let suite = try runScenarios([loose])
        XCTAssertEqual(suite.failed, 0, suite.results.compactMap(\.failure?.message).joined(separator: "\n"))
        let made = try XCTUnwrap(suite.results.first { $0.name.hasSuffix("made up") })
        XCTAssertEqual(made.simUnmodelled, [.init(operation: "getContacts", parameters: ["viewId"])])
        XCTAssertTrue(ConsoleReporter.line(made).contains("simulator did not model: getContacts (viewId)"))
        XCTAssertEqual(JSONTestReporter.report(suite)["scenarios"]?[1]?["sim_unmodelled"]?[0]?["operation"], "getContacts")

        let strict = try write("""
        sim.options{strict_sim = true}
        describe("strict", function()
          it("passes when everything is modelled", function()
            expect(#desk.tickets.list{status = "Open"} > 0).to_be(true)
          end)
          it("fails on a made-up answer", function()
            desk.api.getContacts{viewId = "5"}
          end)
        end)
        """)
        let strictSuite = try runScenarios([strict])
        XCTAssertEqual(strictSuite.passed, 1)
        XCTAssertEqual(strictSuite.failed, 1)
        let failed = try XCTUnwrap(strictSuite.results.first { $0.status == .failed }?.failure?.message)
        XCTAssertTrue(failed.contains("SIM_UNMODELLED"), failed)
    }
}
