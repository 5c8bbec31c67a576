import Foundation
import JSONValue
@testable import Shell
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
                log.append(.object(["writer": .int(Int64(w)), "n": .int(Int64(n)), "pad": .string(String(repeating: "x", count: 300))]))
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

    func testFileIsOwnerOnly() throws {
        let dir = NSTemporaryDirectory() + "zdsh-audit-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try AuditLog(path: dir + "/nested/audit.jsonl")
        log.append(.object(["phase": "intent"]))
        let attributes = try FileManager.default.attributesOfItem(atPath: log.path)
        XCTAssertEqual((attributes[.posixPermissions] as? Int).map { $0 & 0o777 }, 0o600)
    }
}
