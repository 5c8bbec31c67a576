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

/// DriftRead as another feature (an undo) would use it: a watch on a
/// record, the values it must still hold, and one call that answers which
/// fields drifted — checked against the in-process simulator.
final class DriftReadTests: XCTestCase {
    let sim = Simulator()
    static let ticket = "1892000000220001", sam = "1892000000130002", priya = "1892000000130003"

    func update(_ id: String, _ fields: [String: JSON]) throws -> PreparedCall {
        let b = try XCTUnwrap(FriendlyNames.binding(named: "desk.tickets.update"))
        let op = try XCTUnwrap(Catalog.shared.operation(id: b.operationId))
        return try XCTUnwrap(ArgumentBinder.bind(binding: b, operation: op, arguments: [.string(id), .object(fields)]).first)
    }

    var read: DriftRead { DriftRead(client: Backend.simulator(sim, options: .fast()).client) }

    func testAnUnchangedRecordHasNoDriftAndAChangedOneNamesTheField() async throws {
        // "Undo the reassignment to Priya": the record must still hold what the apply set.
        let undo = try update(Self.ticket, ["assigneeId": .string(Self.sam)])
        let w = try XCTUnwrap(DriftRead.watch(call: 1, update: undo, expecting: ["assigneeId": .string(Self.sam), "subject": "Cannot log in"]))
        XCTAssertEqual(w.read.operation.id, "getTicket")
        let none = try await read.drifts(in: [w])
        XCTAssertEqual(none, [])

        let priya = try update(Self.ticket, ["assigneeId": .string(Self.priya)])
        _ = try await Backend.simulator(sim, options: .fast()).client.call(priya.operation, path: priya.path, body: priya.body)
        let drifts = try await read.drifts(in: [w])
        XCTAssertEqual(drifts, [DriftRead.Drift(call: 1, record: Self.ticket, field: "assigneeId",
                                                expected: .string(Self.sam), current: .string(Self.priya))])
        XCTAssertTrue(drifts[0].line.contains(#"assigneeId: plan "\#(Self.sam)" → now "\#(Self.priya)""#), drifts[0].line)
    }

    func testAFieldAlreadyAtTheValueTheWriteSetsIsNoDrift() async throws {
        let write = try update(Self.ticket, ["subject": "Cannot log in"])
        let w = try XCTUnwrap(DriftRead.watch(call: 1, update: write, expecting: ["subject": "Something older"]))
        let drifts = try await read.drifts(in: [w])
        XCTAssertEqual(drifts, [])
    }

    func testAGoneRecordIsDriftAndAFailedReadThrows() async throws {
        let gone = try XCTUnwrap(DriftRead.watch(call: 2, update: try update("1892000000229999", ["subject": "x"]), expecting: ["subject": "y"]))
        let drifts = try await read.drifts(in: [gone])
        XCTAssertEqual(drifts.count, 1)
        XCTAssertNil(drifts.first?.current)
        XCTAssertTrue(drifts[0].line.contains("(gone)"), drifts[0].line)

        sim.fail(op: "getTicket", status: 403, times: 1, errorCode: "FORBIDDEN")
        let w = try XCTUnwrap(DriftRead.watch(call: 1, update: try update(Self.ticket, ["subject": "x"]), expecting: ["subject": "Cannot log in"]))
        do {
            _ = try await read.drifts(in: [w])
            XCTFail("a read that fails other than 404 must not pass as no drift")
        } catch let e as DriftRead.Unreadable {
            XCTAssertTrue("\(e)".contains("cannot check drift"), "\(e)")
        }
    }
}
