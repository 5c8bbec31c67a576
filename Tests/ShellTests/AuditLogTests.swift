import DeskCore
import Foundation
import JSONValue
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// The audit log's group commit: many writers at once, every line whole and
/// on disk when its append returns.
final class AuditLogTests: XCTestCase {
    func testConcurrentAppendsKeepEveryLineWhole() throws {
        let dir = NSTemporaryDirectory() + "zdsh-audit-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try AuditLog(path: dir + "/audit.jsonl")
        let writers = 16, perWriter = 100
        DispatchQueue.concurrentPerform(iterations: writers) { w in
            for n in 0..<perWriter {
                try? log.append(.object(["writer": .int(Int64(w)), "n": .int(Int64(n)), "pad": .string(String(repeating: "x", count: 300))]))
            }
        }
        let text = try String(contentsOfFile: log.path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        XCTAssertTrue(text.hasSuffix("\n"))
        XCTAssertEqual(lines.count, writers * perWriter)
        var seen = Set<String>()
        for line in lines {
            let j = try JSON.parse(String(line))
            seen.insert("\(j["writer"]?.intValue ?? -1)/\(j["n"]?.intValue ?? -1)")
        }
        XCTAssertEqual(seen.count, writers * perWriter)
    }

    /// Two handles on one log (an MCP session and the apply it starts, or two
    /// zdsh processes) interleave lines; neither overwrites the other's.
    func testTwoHandlesOnOneLogKeepEveryLine() throws {
        let dir = NSTemporaryDirectory() + "zdsh-audit-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try AuditLog(path: dir + "/audit.jsonl")
        let second = try AuditLog(path: dir + "/audit.jsonl")
        for n in 0..<10 {
            try first.append(.object(["log": "first", "n": .int(Int64(n))]))
            try second.append(.object(["log": "second", "n": .int(Int64(n))]))
        }
        let lines = try String(contentsOfFile: first.path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 20)
        XCTAssertEqual(lines.filter { $0.contains("second") }.count, 10)
    }

    func testFileIsOwnerOnly() throws {
        let dir = NSTemporaryDirectory() + "zdsh-audit-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try AuditLog(path: dir + "/nested/audit.jsonl")
        try log.append(.object(["phase": "intent"]))
        let attributes = try FileManager.default.attributesOfItem(atPath: log.path)
        XCTAssertEqual((attributes[.posixPermissions] as? Int).map { $0 & 0o777 }, 0o600)
    }
}

final class UTCTimestampTests: XCTestCase {
    func testMatchesISO8601DateFormatter() {
        let formatter = ISO8601DateFormatter()
        for seconds in [0.0, 86_399.9, 951_782_400, 1_795_456_085.5, 4_102_444_799] {
            let date = Date(timeIntervalSince1970: seconds)
            XCTAssertEqual(UTCTimestamp.string(from: date), formatter.string(from: date))
        }
        XCTAssertEqual(UTCTimestamp.compact(from: Date(timeIntervalSince1970: 1_795_456_085)), "20261123-174805")
    }
}
