import Foundation
import DeskGate
import DeskRepl
import PlanApply
import Runbooks
import ScenarioTesting
import ShellCore
import XCTest

/// Scenario files are Lua source too: loaded as bytes, with failures shown
/// at the scenario's own lines.
final class SourceBytesTests: XCTestCase {
    func testAByteInAScenarioFileStaysOneByte() throws {
        let dir = try temporaryFolder()
        let file = dir.appendingPathComponent("bytes_test.lua")
        let source = Array("it(\"keeps the byte\", function()\n  local s = \"".utf8) + [0xE1]
            + Array("\"\n  expect(#s).to_be(1)\n  expect(s:byte()).to_be(225)\nend)\n".utf8)
        try Data(source).write(to: file)
        let suite = try runScenarios([file.path])
        for r in suite.results where r.status == .failed {
            XCTFail("\(r.name): \(r.failure?.location ?? "?") \(r.failure?.message ?? "")")
        }
        XCTAssertEqual(suite.passed, 1)
    }

    func testAnErrorsTracebackHasNoInternalFrame() throws {
        let dir = try temporaryFolder()
        let file = dir.appendingPathComponent("error_test.lua")
        try Data("it(\"calls badly\", function()\n  desk.tickets.get('abc')\nend)\n".utf8).write(to: file)
        let suite = try runScenarios([file.path])
        let failure = try XCTUnwrap(suite.results.first?.failure)
        XCTAssertEqual(failure.line, 2)
        let traceback = failure.traceback ?? ""
        XCTAssertFalse(traceback.contains("zdsh:"), traceback)
        XCTAssertFalse(traceback.contains("in upvalue 'call'"), traceback)
    }
}
