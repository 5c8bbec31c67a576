import Foundation
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// The journal's writes from many calls at once share transactions
/// (GroupCommit) and every one of them lands; the call key's path is
/// expanded in one pass.
final class JournalWriteTests: XCTestCase {
    var path = ""
    override func setUp() { path = NSTemporaryDirectory() + "zdsh-journal-\(UUID().uuidString).sqlite" }
    override func tearDown() { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }

    func testConcurrentMarksAllLandAndSettle() async throws {
        let journal = try Journal(path: path, runId: "run-1", resuming: false)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<200 {
                group.addTask {
                    let key = "POST /api/v1/things/\(i)"
                    try await journal.markInFlight(key)
                    if i % 4 == 0 { try await journal.markSettled(key) } else { try await journal.markCompleted(key) }
                }
            }
            try await group.waitForAll()
        }
        try await journal.markCompleted(key: "complete")
        let completed = try journal.completedKeys()
        XCTAssertEqual(completed.count, 151)   // 150 completed calls + "complete"
        XCTAssertTrue(completed.contains("POST /api/v1/things/1"))
        XCTAssertFalse(completed.contains("POST /api/v1/things/4"))

        // Nothing is left in flight: a resume finds no call in doubt.
        let resumed = try Journal(path: path, runId: "run-1", resuming: true)
        XCTAssertEqual(try resumed.completedKeys().count, 151)
        XCTAssertEqual(try resumed.inFlightCount(), 0)
    }

    func testACallKeptInFlightIsInDoubtOnResume() async throws {
        let journal = try Journal(path: path, runId: "run-2", resuming: false)
        try await journal.markInFlight("DELETE /api/v1/x/1")
        try await journal.markInFlight("DELETE /api/v1/x/2")
        try await journal.markCompleted("DELETE /api/v1/x/2")
        XCTAssertEqual(try Journal(path: path, runId: "run-2", resuming: true).inFlightCount(), 1)
    }

    func testConcretePathExpandsEachPlaceholderOnce() {
        XCTAssertEqual(concretePath("/api/v1/labels/{labelId}/users/remove", ["labelId": "77"]),
                       "/api/v1/labels/77/users/remove")
        XCTAssertEqual(concretePath("/a/{x}/b/{y}", ["x": "1", "y": "2"]), "/a/1/b/2")
        // A placeholder without a value stays; a value is never expanded again.
        XCTAssertEqual(concretePath("/a/{x}/b/{y}", ["x": "{y}"]), "/a/{y}/b/{y}")
        XCTAssertEqual(concretePath("/a/{x", ["x": "1"]), "/a/{x")
        XCTAssertEqual(concretePath("/plain", ["x": "1"]), "/plain")
        XCTAssertEqual(concretePath("/a/{x}", [:]), "/a/{x}")
    }
}
