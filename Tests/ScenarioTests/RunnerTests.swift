import Foundation
import JSONValue
import DeskGate
import DeskRepl
import PlanApply
import Runbooks
import ScenarioTesting
import ShellCore
import XCTest

/// The `zdsh test` machinery in process, on the sample scenarios.
final class RunnerTests: XCTestCase {
    func testPassingSuite() throws {
        let suite = try runScenarios([Repo.scenario("passing")])
        for r in suite.results where r.status == .failed {
            XCTFail("\(r.name): \(r.failure?.location ?? "?") \(r.failure?.message ?? "")")
        }
        XCTAssertEqual(suite.failed, 0)
        XCTAssertEqual(suite.skipped, 1)
        XCTAssertGreaterThanOrEqual(suite.passed, 12)
        XCTAssertEqual(suite.exitStatus, .ok)
        XCTAssertEqual(suite.summaryLine, "\(suite.passed) passed, 0 failed, 1 skipped")
    }

    func testFailuresCarryFileLineExpectedAndActual() throws {
        let file = Repo.scenario("failing/broken_test.lua")
        let suite = try runScenarios([file])
        XCTAssertEqual(suite.passed, 1)
        XCTAssertEqual(suite.failed, 3)
        XCTAssertEqual(suite.exitStatus.rawValue, 1)
        XCTAssertEqual(suite.summaryLine, "1 passed, 3 failed")

        let count = try XCTUnwrap(suite.results.first { $0.name == "broken compares the wrong count" }?.failure)
        XCTAssertEqual(count.location, "\(file):9")
        XCTAssertEqual(count.expected, "4")
        XCTAssertEqual(count.actual, "3")
        XCTAssertTrue(count.isExpectation)

        let deep = try XCTUnwrap(suite.results.first { $0.name == "broken fails a deep comparison" }?.failure)
        XCTAssertEqual(deep.location, "\(file):18")
        XCTAssertEqual(deep.expected, "{a = 1, b = {2, 4}}")
        XCTAssertEqual(deep.actual, "{a = 1, b = {2, 3}}")

        let error = try XCTUnwrap(suite.results.first { $0.name == "broken raises an error" }?.failure)
        XCTAssertEqual(error.location, "\(file):14")
        XCTAssertFalse(error.isExpectation)
        XCTAssertTrue(error.message.contains("attempt to index a nil value"), error.message)

        let console = ConsoleReporter.report(suite)
        XCTAssertTrue(console.contains("\(file):9"), console)
        XCTAssertTrue(console.hasSuffix("1 passed, 3 failed"), console)
    }

    func testFilterSelectsByFullName() throws {
        let suite = try runScenarios([Repo.scenario("passing")], filter: "runbook under test .*without a grant")
        XCTAssertEqual(suite.results.map(\.name), ["runbook under test is refused before its first call without a grant"])
        XCTAssertEqual(suite.summaryLine, "1 passed, 0 failed")
    }

    func testSpiesSeeDeniedAndPlannedCalls() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let runbooks = folder.appendingPathComponent("runbooks")
        try FileManager.default.createDirectory(at: runbooks, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Repo.scenario("passing/runbooks/remove_label_users.lua"),
                                         toPath: runbooks.appendingPathComponent("remove_label_users.lua").path)
        let scenario = folder.appendingPathComponent("spies_test.lua")
        try #"""
        local HC, GOLD = "1892000000150001", "1892000000190001"
        local U = { "1892000000180001", "1892000000180002", "1892000000180003" }
        it("sees denied and planned calls", function()
          -- refused before its first call: the runbook declares the call, nothing grants it
          local refused = runbook.run("runbooks/remove_label_users.lua", { label = GOLD, users = U }, { yes = true })
          expect(refused.exit).to_be(3)
          -- planned: granted, but a dry run
          local planned = runbook.run("runbooks/remove_label_users.lua", { label = GOLD, users = U },
                                      { allow = { "helpcenter.labels.remove_users" }, dry_run = true })
          expect(planned.ok).to_be(true)
          -- denied at call time by the scenario's own gate, then planned by it
          policy{ allow = { "helpcenter.labels.remove_users" } }
          local ok = pcall(helpcenter.labels.delete, HC, GOLD)
          expect(ok).to_be(false)
          policy{ dry_run = true, allow = { "helpcenter.labels.*" } }
          helpcenter.labels.delete(HC, GOLD)
          local all = calls()
          local outcomes = {}
          for _, c in ipairs(all) do outcomes[#outcomes + 1] = c.outcome .. " " .. c.operation end
          expect(outcomes).to_equal({
            "sent getUsersByLabel", "planned removeLabelsFromUsers",
            "denied deleteLabel", "planned deleteLabel" })
          local destructive = calls{ safety = "destructive" }
          expect(destructive).to_have_length(3)
          for _, u in ipairs(U) do expect(destructive[1].ids).to_contain(u) end
          expect(destructive[2].source).to_be("scenario")
          expect(destructive[3].source).to_be("scenario")
          expect(#sim.resource("labels")).to_be(3)
        end)
        """#.write(to: scenario, atomically: true, encoding: .utf8)
        let suite = try runScenarios([scenario.path])
        XCTAssertEqual(suite.failed, 0, suite.results.compactMap { $0.failure.map { "\($0.location ?? ""): \($0.message)" } }.joined())
        XCTAssertEqual(suite.passed, 1)
    }

    func testTooManyRequestsTwiceThenSuccess() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scenario = folder.appendingPathComponent("retry_test.lua")
        try #"""
        it("retries through two 429s", function()
          sim.fail{ op = "removeLabelsFromUsers", status = 429, times = 2 }
          helpcenter.labels.remove_users("1892000000150001", "1892000000190001", { "1892000000180001" })
          local statuses = {}
          for _, r in ipairs(sim.requests()) do
            if r.operation == "removeLabelsFromUsers" then statuses[#statuses + 1] = r.status end
          end
          expect(statuses).to_equal({ 429, 429, 204 })
          expect(sim.stats().faults_injected).to_be(2)
          expect(calls()).to_have_length(1)
          expect(calls()[1].outcome).to_be("sent")
        end)
        """#.write(to: scenario, atomically: true, encoding: .utf8)
        let suite = try runScenarios([scenario.path])
        XCTAssertEqual(suite.summaryLine, "1 passed, 0 failed", suite.results.first?.failure?.message ?? "")
    }

    func testFileErrorsAreReportedAsFailures() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scenario = folder.appendingPathComponent("syntax_test.lua")
        try "it('x', function() end\n".write(to: scenario, atomically: true, encoding: .utf8)
        let suite = try runScenarios([folder.path])
        XCTAssertEqual(suite.failed, 1)
        XCTAssertEqual(suite.results.first?.name, "(file)")
        XCTAssertThrowsError(try runScenarios([folder.appendingPathComponent("missing").path]))
    }
}
