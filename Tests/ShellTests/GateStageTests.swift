import DeskCatalog
import DeskSim
import Foundation
import JSONValue
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// Each stage of the call gate on its own (`CallGate+Stages.swift`); the
/// pipeline as a whole is pinned by the session, reliability and red-team tests.
final class GateStageTests: XCTestCase {
    let sim = Simulator()
    static let profile = "1892000000100004", transfer = "1892000000100002"

    func gate(_ settings: CallGate.Settings = .init(), allow: [String] = []) throws -> CallGate {
        CallGate(client: Backend.simulator(sim, options: .fast()).client,
                 policy: Policy(grants: try allow.map(Policy.Pattern.init)), settings: settings)
    }

    func call(_ binding: String, _ args: [JSON]) throws -> GatedCall {
        let b = try XCTUnwrap(FriendlyNames.binding(named: binding))
        let op = try XCTUnwrap(Catalog.shared.operation(id: b.operationId))
        return try XCTUnwrap(GatedCall(try ArgumentBinder.bind(binding: b, operation: op, arguments: args), partial: false))
    }

    var deletion: GatedCall {
        get throws { try call("desk.profiles.delete", [.string(Self.profile), ["transfer_to": .string(Self.transfer)]]) }
    }
    var read: GatedCall { get throws { try call("desk.tickets.get", ["1"]) } }

    func testTheTopLevelRefusesWritesAndLetsReadsThrough() throws {
        var settings = CallGate.Settings()
        settings.refuseMutations = "a runbook's top level only reads"
        let g = try gate(settings)
        XCTAssertNoThrow(try g.refuseAtTopLevel(read))
        XCTAssertThrowsError(try g.refuseAtTopLevel(deletion)) { XCTAssertTrue("\($0)".contains("move the call into main")) }
        XCTAssertEqual(g.calls.map(\.outcome), [.denied])
    }

    func testPolicyDeniesAnUngrantedDeletionAndPlansItInADryRun() throws {
        XCTAssertThrowsError(try gate().applyPolicy(deletion)) { XCTAssertTrue($0 is PolicyDenial) }
        XCTAssertNil(try gate(allow: ["desk.profiles.delete"]).applyPolicy(deletion))
        var settings = CallGate.Settings()
        settings.dryRun = true
        let g = try gate(settings)
        guard case .values(let v)? = try g.applyPolicy(deletion) else { return XCTFail("expected a placeholder") }
        XCTAssertEqual(v.first?["dry_run"], .bool(true))
        XCTAssertEqual(g.calls.map(\.outcome), [.planned])
    }

    func testAnInteractiveAlwaysAddsTheGrant() throws {
        var settings = CallGate.Settings()
        settings.askWhenUngranted = { _ in .always }
        let g = try gate(settings)
        XCTAssertNil(try g.applyPolicy(deletion))
        XCTAssertFalse(g.policy.grants.isEmpty)
    }

    func testTheDestructiveCapCountsRecordsAndStopsBeforeTheCallPastIt() throws {
        var settings = CallGate.Settings()
        settings.maxDestructive = 1
        let g = try gate(settings, allow: ["desk.profiles.delete"])
        XCTAssertNil(try g.enforceCaps(deletion))
        XCTAssertEqual(g.destructiveCount, 1)
        XCTAssertThrowsError(try g.enforceCaps(deletion))
        XCTAssertEqual(g.destructiveCount, 1)
        XCTAssertEqual(g.callCount, 1)
    }

    func testTheCallCapCountsEveryCall() throws {
        var settings = CallGate.Settings()
        settings.maxCalls = 1
        let g = try gate(settings)
        XCTAssertNil(try g.enforceCaps(read))
        XCTAssertThrowsError(try g.enforceCaps(read))
    }

    func testADryRunPlansMutationsOnly() throws {
        var settings = CallGate.Settings()
        settings.dryRun = true
        let g = try gate(settings)
        XCTAssertNil(g.planInsteadOfSending(try read))
        XCTAssertNotNil(g.planInsteadOfSending(try deletion))
        XCTAssertEqual(g.calls.map(\.outcome), [.planned])
    }

    func testConfirmationIsAskedOncePerOperation() throws {
        final class Count: @unchecked Sendable { var asked = 0 }  // one test thread
        let count = Count()
        var settings = CallGate.Settings()
        settings.confirm = { _ in count.asked += 1; return true }
        let g = try gate(settings)
        try g.confirmIfAsked(deletion)
        try g.confirmIfAsked(deletion)
        try g.confirmIfAsked(read)
        XCTAssertEqual(count.asked, 1)
    }

    func testADeclinedConfirmationIsADenial() throws {
        var settings = CallGate.Settings()
        settings.confirm = { _ in false }
        XCTAssertThrowsError(try gate(settings).confirmIfAsked(deletion)) { XCTAssertTrue($0 is PolicyDenial) }
    }

    func testWithoutAJournalNothingIsNarrowedOrChecked() throws {
        let g = try gate()
        var c = try deletion
        XCTAssertNil(g.narrowForResume(&c))
        XCTAssertEqual(c.parts.count, 1)
        XCTAssertNil(try g.checkUnknownOutcome(c))
    }
}
