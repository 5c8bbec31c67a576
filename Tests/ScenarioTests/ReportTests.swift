import Foundation
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif
import DeskGate
import DeskRepl
import PlanApply
import Runbooks
import ScenarioTesting
import ShellCore
import XCTest

/// TAP and JUnit output, read back with a TAP parser and Foundation's XML parser.
final class ReportTests: XCTestCase {
    // XCTest runs this class's tests one after another on one thread.
    nonisolated(unsafe) private static var cached: SuiteReport?

    private func suite() throws -> SuiteReport {
        if let s = Self.cached { return s }
        let s = try runScenarios([Repo.scenario("passing"), Repo.scenario("failing")])
        Self.cached = s
        return s
    }

    func testTAP() throws {
        let suite = try suite()
        let tap = try TAPDocument(TAPReporter.report(suite))
        XCTAssertEqual(tap.version, 13)
        XCTAssertEqual(tap.plan, 1...suite.results.count)
        XCTAssertEqual(tap.tests.count, suite.results.count)
        XCTAssertEqual(tap.tests.map(\.number), Array(1...suite.results.count))
        XCTAssertEqual(tap.tests.filter { !$0.ok }.count, suite.failed)
        XCTAssertEqual(tap.tests.filter { $0.ok && !$0.skip }.count, suite.passed)
        XCTAssertEqual(tap.tests.filter(\.skip).count, suite.skipped)
        XCTAssertEqual(tap.comments.last, "# \(suite.summaryLine)")
        let text = TAPReporter.report(suite)
        XCTAssertTrue(text.contains("  at: \"\(Repo.scenario("failing/broken_test.lua")):9\""), text)
    }

    func testJUnit() throws {
        let suite = try suite()
        let xml = JUnitReporter.report(suite)
        let doc = try XMLDocument(data: Data(xml.utf8), options: [])
        let root = try XCTUnwrap(doc.rootElement())
        XCTAssertEqual(root.name, "testsuites")
        XCTAssertEqual(root.attribute(forName: "tests")?.stringValue, "\(suite.results.count)")
        XCTAssertEqual(root.attribute(forName: "failures")?.stringValue, "\(suite.failed)")
        XCTAssertEqual(root.attribute(forName: "skipped")?.stringValue, "\(suite.skipped)")

        let suites = root.elements(forName: "testsuite")
        XCTAssertEqual(suites.count, Set(suite.results.map(\.file)).count)
        var cases = 0, failures = 0, skipped = 0
        for s in suites {
            let testcases = s.elements(forName: "testcase")
            let f = testcases.filter { !$0.elements(forName: "failure").isEmpty }.count
            let k = testcases.filter { !$0.elements(forName: "skipped").isEmpty }.count
            XCTAssertEqual(s.attribute(forName: "tests")?.stringValue, "\(testcases.count)")
            XCTAssertEqual(s.attribute(forName: "failures")?.stringValue, "\(f)")
            XCTAssertEqual(s.attribute(forName: "skipped")?.stringValue, "\(k)")
            cases += testcases.count; failures += f; skipped += k
        }
        XCTAssertEqual(cases, suite.results.count)
        XCTAssertEqual(failures, suite.failed)
        XCTAssertEqual(skipped, suite.skipped)

        let failing = try XCTUnwrap(suites.first { $0.attribute(forName: "name")?.stringValue?.hasSuffix("broken_test.lua") == true })
        let wrongCount = try XCTUnwrap(failing.elements(forName: "testcase").first {
            $0.attribute(forName: "name")?.stringValue == "broken compares the wrong count" })
        let failure = try XCTUnwrap(wrongCount.elements(forName: "failure").first)
        XCTAssertEqual(failure.attribute(forName: "message")?.stringValue?.hasPrefix("\(Repo.scenario("failing/broken_test.lua")):9: "), true)
        XCTAssertTrue(failure.stringValue?.contains("expected: 4") == true)
    }

    /// The built binary: exit codes and the closing line CI greps for.
    func testBinaryExitCodes() throws {
        _ = try ZdshBinary.required()
        let junit = FileManager.default.temporaryDirectory.appendingPathComponent("zdsh-junit-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: junit) }

        let passing = try run(["test", Repo.scenario("passing")])
        XCTAssertEqual(passing.status, 0, passing.output)
        XCTAssertTrue(passing.output.contains(" passed, 0 failed, 1 skipped\n"), passing.output)

        let failing = try run(["test", "--tap", "--junit", junit.path, Repo.scenario("failing")])
        XCTAssertEqual(failing.status, 1, failing.output)
        let tap = try TAPDocument(failing.output)
        XCTAssertEqual(tap.plan, 1...4)
        XCTAssertEqual(tap.tests.filter { !$0.ok }.count, 3)
        XCTAssertTrue(failing.output.contains("# 1 passed, 3 failed"), failing.output)
        XCTAssertNotNil(try XMLDocument(contentsOf: junit, options: []).rootElement())

        let usage = try run(["test", "/nonexistent/folder"])
        XCTAssertEqual(usage.status, 2)

        // A filter that matches nothing is an error, not a silent pass.
        let nothing = try run(["test", "--filter", "zzz-no-such-scenario", Repo.scenario("passing")])
        XCTAssertEqual(nothing.status, 2, nothing.output)
    }

    private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        var env = ProcessInfo.processInfo.environment
        env["ZDSH_STDLIB"] = Repo.stdlib
        let r = try ChildProcess.run(Repo.binary, arguments, environment: env)
        return (r.status, r.out)
    }
}
