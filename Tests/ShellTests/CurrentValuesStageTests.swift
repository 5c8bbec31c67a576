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

/// The dry-run stage reading a record before planning its update
/// (CallGate+CurrentValues.swift), checked against the simulator's request log.
final class CurrentValuesStageTests: XCTestCase {
    let sim = Simulator()
    static let ticket = "1892000000220001"

    func gate(maxCalls: Int? = nil, allow: [String] = []) throws -> CallGate {
        var settings = CallGate.Settings()
        settings.dryRun = true
        settings.maxCalls = maxCalls
        return CallGate(client: Backend.simulator(sim, options: .fast()).client,
                        policy: Policy(grants: try allow.map(Policy.Pattern.init)), settings: settings)
    }

    func call(_ binding: String, _ args: [JSON]) throws -> GatedCall {
        let b = try XCTUnwrap(FriendlyNames.binding(named: binding))
        let op = try XCTUnwrap(Catalog.shared.operation(id: b.operationId))
        return try XCTUnwrap(GatedCall(try ArgumentBinder.bind(binding: b, operation: op, arguments: args), partial: false))
    }

    func testAnUpdateIsReadOnceAndNeverSent() async throws {
        let g = try gate()
        let update = try call("desk.tickets.update", [.string(Self.ticket), ["subject": "New"]])
        guard case .suspend(let work)? = g.planInsteadOfSending(update) else { return XCTFail("expected the stage to suspend for the read") }
        let value = try await work()
        XCTAssertEqual(value.first?["dry_run"], .bool(true))
        XCTAssertEqual(g.calls.map(\.outcome), [.sent, .planned])
        XCTAssertEqual(g.calls.map(\.operationId), ["getTicket", "updateTicket"])
        XCTAssertEqual(g.calls[1].before, ["subject": "Cannot log in"])
        XCTAssertEqual(g.callCount, 1, "the read counts as a call")
        XCTAssertEqual(sim.requestLog.map { "\($0.method) \($0.operationId ?? "")" }, ["GET getTicket"])
    }

    func testOverTheCallCapThereIsNoRead() throws {
        let g = try gate(maxCalls: 0)
        guard case .values? = g.planInsteadOfSending(try call("desk.tickets.update", [.string(Self.ticket), ["subject": "New"]])) else {
            return XCTFail("expected a plain placeholder")
        }
        XCTAssertEqual(g.calls.map(\.outcome), [.planned])
        XCTAssertTrue(sim.requestLog.isEmpty)
    }

    func testADestructiveUpdateIsNotRead() throws {
        let g = try gate(allow: ["desk.agents.update"])
        let disable = try call("desk.agents.update", ["1892000000130005", ["status": "DISABLED"]])
        XCTAssertEqual(disable.effect.safety, .destructive)
        guard case .values? = g.planInsteadOfSending(disable) else { return XCTFail("expected a plain placeholder") }
        XCTAssertEqual(g.calls.map(\.outcome), [.planned])
        XCTAssertTrue(sim.requestLog.isEmpty)
    }
}
