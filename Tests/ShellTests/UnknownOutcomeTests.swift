import DeskCatalog
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

/// A call whose outcome is unknown after a run was killed mid-call: on
/// resume, a deletion is re-checked by reading the record, an idempotent
/// call is repeated, and any other call is reported and not repeated.
final class UnknownOutcomeTests: XCTestCase {
    static let profile = "1892000000100004", transfer = "1892000000100002"
    static let hc = "1892000000150001", label = "1892000000190001", user = "1892000000180001"

    var journalPath = ""
    override func setUp() { journalPath = NSTemporaryDirectory() + "zdsh-unknown-\(UUID().uuidString).sqlite" }
    override func tearDown() { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: journalPath + s) } }

    /// A session resuming run "killed", in which `binding(args)` was in flight when it died.
    func resuming(_ binding: String, _ args: [JSON], sim: Simulator) throws -> SimSession {
        let b = FriendlyNames.binding(named: binding)!
        let call = try ArgumentBinder.bind(binding: b, operation: Catalog.shared.operation(id: b.operationId)!, arguments: args)[0]
        let killed = try Journal(path: journalPath, runId: "killed", resuming: false)
        let marked = expectation(description: "in-flight mark written")
        Task { try? await killed.markInFlight(Journal.key(call)); marked.fulfill() }
        wait(for: [marked], timeout: 30)
        return try SimSession(allow: ["desk.profiles.delete", "helpcenter.labels.remove_users"], simulator: sim,
                              journal: try Journal(path: journalPath, runId: "killed", resuming: true))
    }

    let deleteCode = "return desk.profiles.delete('\(profile)', { transfer_to = '\(transfer)' })"
    var deleteArgs: [JSON] { [.string(Self.profile), ["transfer_to": .string(Self.transfer)]] }

    func testADeletionThatWentThroughIsNotSentAgain() throws {
        let sim = Simulator()
        let s0 = try SimSession(allow: ["desk.profiles.delete"], simulator: sim)
        _ = s0.value(deleteCode)  // applied; the killed run never heard back
        sim.clearRequestLog()
        let s = try resuming("desk.profiles.delete", deleteArgs, sim: sim)
        XCTAssertEqual(s.value(deleteCode)?["skipped"], true)
        XCTAssertEqual(sim.requestLog.filter { $0.method != "GET" }.count, 0, "\(sim.requestLog)")
        XCTAssertTrue(sim.requestLog.contains { $0.operationId == "getProfile" }, "the state was read")
    }

    func testADeletionThatDidNotHappenIsSent() throws {
        let sim = Simulator()
        let s = try resuming("desk.profiles.delete", deleteArgs, sim: sim)
        _ = s.value(deleteCode)
        XCTAssertEqual(sim.requestLog.filter { $0.method != "GET" }.map(\.operationId), ["deleteProfile"])
        XCTAssertFalse(sim.resource("profiles").contains { $0["id"]?.stringValue == Self.profile })
    }

    func testAnotherPostIsReportedAndNotRepeated() throws {
        let sim = Simulator()
        let args: [JSON] = [.string(Self.hc), .string(Self.label), [.string(Self.user)]]
        let s = try resuming("helpcenter.labels.remove_users", args, sim: sim)
        guard case .failure(let e) = s.run("return helpcenter.labels.remove_users('\(Self.hc)', '\(Self.label)', { '\(Self.user)' })") else {
            return XCTFail("expected an error")
        }
        XCTAssertTrue("\(e)".contains("outcome of this call in run killed is unknown"), "\(e)")
        XCTAssertTrue(sim.requestLog.filter { $0.method != "GET" }.isEmpty)
    }
}
