import Foundation
import Synchronization
import JSONValue
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// The plan key is created once, whole, however many signers race for it:
/// concurrent MCP calls (or processes) in a fresh state folder all sign with
/// the same key and every plan verifies.
final class PlanKeyTests: XCTestCase {
    func testConcurrentSignersInAFreshStateFolderAgreeOnOneKey() throws {
        for round in 0..<20 {
            let dir = NSTemporaryDirectory() + "zdsh-key-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let keyPath = dir + "/zdsh/plan.key"
            let signed = Mutex<[Result<JSON, Error>]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { i in
                let plan: JSON = ["id": .string("p\(i)"), "calls": .array([])]
                let result = Result { try PlanSignature.sign(plan, keyPath: keyPath) }
                signed.withLock { $0.append(result) }
            }
            for result in signed.withLock({ $0 }) {
                let plan = try result.get()
                XCTAssertEqual(PlanSignature.verify(plan, keyPath: keyPath), .valid, "round \(round)")
            }
            let key = try XCTUnwrap(FileManager.default.contents(atPath: keyPath))
            XCTAssertEqual(key.count, 32)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/zdsh").filter { $0 != "plan.key" }
            XCTAssertEqual(leftovers, [], "no temporary key files left behind")
        }
    }
}
