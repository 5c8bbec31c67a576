import DeskSim
import Foundation
import JSONValue
import LuaHost
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// Exit codes and denial reports come from the host's own records: a table a
/// runbook builds with `zdsh_error = "denied"` (or "api") is a plain Lua
/// error, whatever fields, metatables or tricks it carries.
final class ForgedErrorTests: XCTestCase {
    static let hc = "1892000000150001"
    static let label = "1892000000190001"

    func status(_ code: String, allow: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws
        -> (ExitStatus, LuaError?) {
        let s = try SimSession(allow: allow)
        let result = s.run(code)
        let error: LuaError? = { if case .failure(let e) = result { return e } else { return nil } }()
        XCTAssertTrue(s.mutatingRequests.isEmpty, "sent \(s.mutatingRequests)", file: file, line: line)
        return (ExitStatus.of(error, denied: s.session.gate.deniedCount), error)
    }

    func testForgedTablesAreLuaErrors() throws {
        let forgeries = [
            "error({zdsh_error = 'denied', code = 'POLICY_DENIED', message = 'denied: x; nothing was sent. To allow it: --allow x'}, 0)",
            "error({zdsh_error = 'denied', _text = 'denied: everything'})",
            "error({zdsh_error = 'api', status = 500, message = 'Zoho is down'}, 0)",
            "error({zdsh_error = 'api', kind = 'http', code = 'INVALID_OAUTH', _text = 'HTTP 401'}, 0)",
            "error({zdsh_error = 'limit', message = 'stopped'}, 0)",
            "error({zdsh_error = 'host'}, 0)",
            // Metatable tricks: every field reads "denied", tostring reads like a denial.
            "error(setmetatable({}, {__index = function() return 'denied' end}), 0)",
            "error(setmetatable({zdsh_error = 'api'}, {__tostring = function() return 'denied: forged' end}), 0)",
            "error(setmetatable({}, {__index = {zdsh_error = 'denied', message = 'denied: via __index'}, __metatable = 'error'}), 0)",
            // Shaped like the host's error and wrapped in a coroutine, a pcall, a desk.each worker.
            "local co = coroutine.wrap(function() error({zdsh_error = 'denied', message = 'x'}, 0) end) co()",
            "local ok, e = pcall(error, {zdsh_error = 'api', message = 'x'}, 0) error(e, 0)",
            "local _, errs = desk.each({1}, function() error({zdsh_error = 'denied', message = 'x'}, 0) end) error(errs[1], 0)",
        ]
        for code in forgeries {
            let (exit, error) = try status(code)
            XCTAssertEqual(exit, .luaError, code)
            guard case .runtime(let message, _, let value)? = error else { XCTFail("\(code): \(String(describing: error))"); continue }
            if case .object = value { XCTFail("\(code): taken for a host error: \(value)") }
            XCTAssertFalse(message.hasPrefix("denied:"), "\(code) reads like a denial: \(message)")
            XCTAssertFalse(Terminal.reportText(error!).hasPrefix("denied:"), code)
        }
    }

    func testForgedTableShowsItsContentsLabelled() throws {
        let (_, error) = try status("error({zdsh_error = 'denied', message = 'denied: x'}, 0)")
        guard case .runtime(let message, _, .table(let t))? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(message.hasPrefix("(error object is a table)"), message)
        XCTAssertEqual(t["zdsh_error"], "denied")
    }

    func testRealDenialStillExits3() throws {
        let (exit, error) = try status("return helpcenter.labels.delete('\(Self.hc)', '\(Self.label)')")
        XCTAssertEqual(exit, .denied)
        guard case .runtime(let message, _, .object(let o))? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(o["code"], "POLICY_DENIED")
        XCTAssertTrue(message.hasPrefix("denied:"), message)
    }

    func testCaughtDenialStillExits3() throws {
        let (exit, error) = try status("local ok, e = pcall(helpcenter.labels.delete, '\(Self.hc)', '\(Self.label)') return ok")
        XCTAssertNil(error)
        XCTAssertEqual(exit, .denied)
    }

    /// Runbooks can still read the host's error tables.
    func testHostErrorsReachLuaAsTables() throws {
        let s = try SimSession()
        let value = s.value("""
            local ok, e = pcall(helpcenter.labels.delete, '\(Self.hc)', '\(Self.label)')
            return {ok = ok, code = e.code, op = e.operation, zdsh = e.zdsh_error, text = tostring(e), mt = getmetatable(e)}
            """)
        XCTAssertEqual(value?["ok"], false)
        XCTAssertEqual(value?["code"], "POLICY_DENIED")
        XCTAssertEqual(value?["zdsh"], "denied")
        XCTAssertEqual(value?["mt"], "error")
        XCTAssertTrue(value?["text"]?.stringValue?.hasPrefix("denied:") ?? false, "\(String(describing: value))")
    }

    /// A real error rewritten by the runbook is still judged by what the host said.
    func testRewrittenHostErrorKeepsTheHostsVerdict() throws {
        let (exit, error) = try status("""
            local ok, e = pcall(helpcenter.labels.delete, '\(Self.hc)', '\(Self.label)')
            e.zdsh_error = 'api'; e.message = 'all fine'; e._text = 'all fine'; e.code = 'OK'
            error(e, 0)
            """)
        XCTAssertEqual(exit, .denied)
        guard case .runtime(let message, _, .object(let o))? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(o["code"], "POLICY_DENIED")
        XCTAssertTrue(message.hasPrefix("denied:"), message)
    }

    func testRealAPIErrorExits5AndAForgedOneDoesNot() throws {
        let sim = Simulator()
        sim.fail(status: 500, times: 100)
        let s = try SimSession(simulator: sim)
        guard case .failure(let real) = s.run("return desk.tickets.list()") else { return XCTFail("no API error") }
        XCTAssertEqual(ExitStatus.of(real, denied: 0), .apiError)
        guard case .failure(let forged) = s.run("error({zdsh_error = 'api', status = 500, message = 'HTTP 500'}, 0)") else {
            return XCTFail("no error")
        }
        XCTAssertEqual(ExitStatus.of(forged, denied: 0), .luaError)
    }

    /// A host error wrapped in a table of the runbook's is the runbook's error
    /// (the gate's record of the denial still makes the run exit 3).
    func testWrappedHostErrorIsTheRunbooksButTheDenialCounts() throws {
        let (exit, error) = try status("""
            local ok, e = pcall(helpcenter.labels.delete, '\(Self.hc)', '\(Self.label)')
            error({cause = e.code, zdsh_error = 'api'}, 0)
            """)
        guard case .runtime(_, _, .table)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(exit, .denied)
    }
}
