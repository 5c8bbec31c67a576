import DeskCore
import Foundation
import JSONValue
import XCTest
@testable import DeskSim

/// zdsh's own fixtures and fixture files checked when loaded are not checked
/// again when a simulator starts from them (`Fixture.vetted`): the check needs
/// every response schema decoded, the bulk of a `--sim` start. Here the
/// built-in ones must pass that check, and a fixture that reaches the
/// simulator any other way (a scenario's `sim.reset{…}`) is still checked.
final class VettedFixtureTests: XCTestCase {
    private func check(_ json: JSON) throws {
        let now = Date()
        try StateIO.load(json, into: SimState(), now: UTCTimestamp.milliseconds(from: now), checkRows: true)
    }

    func testTheDemoFixturePassesTheRowCheck() throws {
        XCTAssertNoThrow(try check(DemoFixture.json(now: Date())))
        XCTAssertTrue(Fixture.demo.vetted)
    }

    func testTheBulkFixturePassesTheRowCheck() throws {
        XCTAssertNoThrow(try check(BulkFixture.json(now: Date(), labelUsers: 25)))
        XCTAssertTrue(Fixture.bulk(labelUsers: 25).vetted)
    }

    func testTheEmptyFixturePassesTheRowCheck() throws {
        XCTAssertNoThrow(try check(Fixture.empty.build(Date())))
        XCTAssertTrue(Fixture.empty.vetted)
    }

    /// The org id a fixture declares (so the simulator may build its state at
    /// first use) is the one its state has.
    func testDeclaredOrgIdsAreTheStatesOwn() throws {
        for fixture in [Fixture.demo, .bulk(labelUsers: 3), .empty] {
            let state = SimState()
            try fixture.apply(to: state, now: Date())
            XCTAssertEqual(fixture.defaultOrgId, state.defaultOrgId)
            XCTAssertEqual(Simulator(fixture: fixture).orgId, state.defaultOrgId)
        }
    }

    func testAFixtureGivenAsJSONIsCheckedWhenApplied() {
        let bad = Fixture(json: ["tickets": [["id": "not-digits", "subject": "x"]]])
        XCTAssertFalse(bad.vetted)
        XCTAssertThrowsError(try bad.apply(to: SimState(), now: Date())) { error in
            XCTAssertTrue("\(error)".contains("expected a numeric id"), "\(error)")
        }
    }

    func testAFixtureFileIsCheckedWhenLoaded() throws {
        let path = NSTemporaryDirectory() + "zdsh-vetted-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(#"{"tickets": [{"id": "not-digits"}]}"#.utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Fixture.load(path: path)) { error in
            XCTAssertTrue("\(error)".contains("expected a numeric id"), "\(error)")
        }
    }
}
