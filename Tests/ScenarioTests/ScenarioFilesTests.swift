import Foundation
import JSONValue
import DeskGate
import DeskRepl
import PlanApply
import Runbooks
import ScenarioTesting
import ShellCore
import XCTest

/// What a scenario may read — runbooks (`runbook.run`), fixtures
/// (`sim.load`), cassettes (`use_cassette`) — lies inside its test folder,
/// links and `..` resolved: the folder `zdsh test` was given, or the
/// scenario file's own folder.
final class ScenarioFilesTests: XCTestCase {
    var base: URL!

    override func setUpWithError() throws {
        base = try temporaryFolder()
        let fm = FileManager.default
        for dir in ["outside", "tests/runbooks", "runbooks"] {
            try fm.createDirectory(at: base.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        let runbook = { (marker: String) in
            "return runbook { name = '\(marker)', main = function() print('\(marker) RAN') return '\(marker)' end }\n"
        }
        try runbook("EVIL").write(to: base.appendingPathComponent("outside/evil.lua"), atomically: true, encoding: .utf8)
        try runbook("OK").write(to: base.appendingPathComponent("tests/runbooks/ok.lua"), atomically: true, encoding: .utf8)
        try runbook("SIBLING").write(to: base.appendingPathComponent("runbooks/sibling.lua"), atomically: true, encoding: .utf8)
        try #"{"organizations": [{"id": "1", "companyName": "SECRET ORG"}]}"#
            .write(to: base.appendingPathComponent("outside/org.json"), atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: base.appendingPathComponent("tests/linked.lua").path, withDestinationPath: "../outside/evil.lua")
        try fm.createSymbolicLink(atPath: base.appendingPathComponent("tests/linkdir").path, withDestinationPath: "../outside")
        try fm.createSymbolicLink(atPath: base.appendingPathComponent("tests/org.json").path, withDestinationPath: "../outside/org.json")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: base)
    }

    func scenario(_ name: String, _ body: String) throws -> String {
        let path = base.appendingPathComponent("tests/\(name)_test.lua").path
        try body.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func assertAllPass(_ suite: SuiteReport, file: StaticString = #filePath, line: UInt = #line) {
        for r in suite.results where r.status != .passed {
            XCTFail("\(r.name): \(r.failure?.location ?? "?") \(r.failure?.message ?? "")", file: file, line: line)
        }
        for r in suite.results {
            XCTAssertFalse(r.output.contains("EVIL RAN"), "\(r.name) ran a runbook from outside", file: file, line: line)
        }
    }

    func testRunbookRunStaysInsideTheTestFolder() throws {
        let outside = base.appendingPathComponent("outside/evil.lua").path
        let file = try scenario("files", """
            local function refused(path, why)
              local ok, e = pcall(runbook.run, path, {}, {yes = true})
              expect(ok).to_be(false)
              expect(e).to_contain("bad argument #1 to 'runbook.run'")
              expect(e).to_contain(why)
            end
            describe("runbook.run", function()
              it("runs a runbook inside", function()
                local r = runbook.run("runbooks/ok.lua", {}, {})
                expect(r.ok).to_be(true)
                expect(r.value).to_be("OK")
              end)
              it("refuses an absolute path", function() refused("\(outside)", "absolute path") end)
              it("refuses a '..' escape", function() refused("../outside/evil.lua", "leads outside the test folder") end)
              it("refuses '..' spelt through a folder", function() refused("runbooks/../../outside/evil.lua", "leads outside") end)
              it("refuses a linked file", function() refused("linked.lua", "leads outside") end)
              it("refuses a linked folder", function() refused("linkdir/evil.lua", "leads outside") end)
              it("refuses a missing file outside", function() refused("../outside/none.lua", "leads outside") end)
            end)
            describe("fixtures and cassettes", function()
              it("sim.load refuses a linked fixture", function()
                local ok, e = pcall(sim.load, "org.json")
                expect(ok).to_be(false)
                expect(e).to_contain("bad argument #1 to 'sim.load'")
                expect(e).never.to_contain("SECRET ORG")
              end)
              it("sim.load refuses an absolute path", function()
                local ok, e = pcall(sim.load, "\(base.path)/outside/org.json")
                expect(ok).to_be(false)
                expect(e).to_contain("absolute path")
              end)
              it("use_cassette refuses a '..' escape", function()
                local ok, e = pcall(use_cassette, "../outside/org.json")
                expect(ok).to_be(false)
                expect(e).to_contain("bad argument #1 to 'use_cassette'")
              end)
            end)
            """)
        let suite = try runScenarios([file])
        XCTAssertEqual(suite.results.count, 10)
        assertAllPass(suite)
    }

    /// Given the folder above, a scenario may run a runbook beside its own
    /// folder; given only the scenario file, it may not.
    func testTheTestFolderIsTheFolderGiven() throws {
        let file = try scenario("sibling", """
            describe("sibling", function()
              it("runs a sibling runbook", function()
                local r = runbook.run("../runbooks/sibling.lua", {}, {})
                expect(r.ok).to_be(true)
                expect(r.value).to_be("SIBLING")
              end)
            end)
            """)
        let fromAbove = try runScenarios([base.path], filter: "sibling")
        XCTAssertEqual(fromAbove.results.count, 1)
        assertAllPass(fromAbove)

        let alone = try runScenarios([file])
        XCTAssertEqual(alone.failed, 1)
        XCTAssertTrue(alone.results.first?.failure?.message.contains("leads outside the test folder") ?? false,
                      "\(String(describing: alone.results.first?.failure))")
    }
}
