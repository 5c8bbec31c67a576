@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// Policy globs: `*` within a segment, or any rest at the very end.
final class SegmentGlobTests: XCTestCase {
    func name(_ glob: String, _ text: String) -> Bool { SegmentGlob(glob, separator: ".").matches(text) }
    func route(_ glob: String, _ text: String) -> Bool { SegmentGlob(glob, separator: "/").matches(text) }

    func testAStarStaysInItsSegmentUnlessItEndsTheGlob() {
        XCTAssertTrue(name("helpcenter.labels.*", "helpcenter.labels.delete"))
        XCTAssertTrue(name("helpcenter.labels.*", "helpcenter.labels.users.remove"))
        XCTAssertTrue(name("helpcenter.labels.*", "helpcenter.labels."))
        XCTAssertFalse(name("helpcenter.labels.*", "helpcenter.labels"))
        XCTAssertTrue(name("desk.*.delete", "desk.tickets.delete"))
        XCTAssertFalse(name("desk.*.delete", "desk.tickets.comments.delete"))
        XCTAssertTrue(name("desk.tickets*", "desk.tickets.delete"))
        XCTAssertTrue(name("*", "anything.at.all"))
        XCTAssertTrue(name("delete*Profile", "deleteProfile"))
        XCTAssertTrue(name("d*e*e", "deleteme"))
        XCTAssertFalse(name("d*e*x", "deleteme"))
        XCTAssertFalse(name("deleteProfile", "deleteProfiles"))
    }

    func testRoutes() {
        XCTAssertTrue(route("/api/v1/foo/*", "/api/v1/foo/1/bar"))
        XCTAssertFalse(route("/api/v1/foo/*", "/api/v1/foo"))
        XCTAssertTrue(route("/api/v1/*/bar", "/api/v1/foo/bar"))
        XCTAssertFalse(route("/api/v1/*/bar", "/api/v1/foo/x/bar"))
    }

    func testAHostileTextDoesNotMakeMatchingSlow() {
        // Exponential for a backtracking matcher; one pass per star here.
        let text = String(repeating: "a", count: 100_000)
        XCTAssertFalse(name("*a*a*a*a*a*a*a*a*a*a*a*a*b", text))
    }
}
