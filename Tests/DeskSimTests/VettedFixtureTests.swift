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
