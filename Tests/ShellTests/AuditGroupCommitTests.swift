import DeskCore
@testable import DeskGate
import Foundation
import JSONValue
@testable import ShellCore
import XCTest

/// Audit lines of async callers go to disk in shared batches
/// (AuditGroupCommit): every line whole, each caller back only once its own
/// line is in the file, and a batch that cannot be written fails every
/// caller in it.
final class AuditGroupCommitTests: XCTestCase {
    func testAsyncAppendsReturnOnlyOnceTheirLineIsWritten() async throws {
        let dir = NSTemporaryDirectory() + "zdsh-audit-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try AuditLog(path: dir + "/audit.jsonl")
        let callers = 200
        // Blocking appends (the Lua thread's, MCP's) at the same time: the
        // two paths share one file and one failure state.
        let blocking = Task.detached {
            DispatchQueue.concurrentPerform(iterations: 4) { w in
                for n in 0..<25 { try? log.append(.object(["blocking": .int(Int64(w)), "n": .int(Int64(n))])) }
            }
        }
        let missing = try await withThrowingTaskGroup(of: Int?.self) { group in
            for n in 0..<callers {
                group.addTask {
                    let marker = "caller-\(n)-" + String(repeating: "x", count: 200)
                    try await log.append(.object(["marker": .string(marker)]))
                    let text = try String(contentsOfFile: log.path, encoding: .utf8)
                    return text.contains(marker) ? nil : n
                }
            }
            return try await group.reduce(into: [Int]()) { if let n = $1 { $0.append(n) } }
        }
        await blocking.value
        XCTAssertEqual(missing, [], "callers back before their line was in the file")
        let text = try String(contentsOfFile: log.path, encoding: .utf8)
        XCTAssertTrue(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, callers + 100)
        for line in lines { XCTAssertNoThrow(try JSON.parse(String(line)), String(line.prefix(80))) }
    }

    /// /dev/full takes no bytes: every caller of the batch hears so (nothing
    /// is sent after an intent line that did not reach the disk), and the
    /// log stays failed for the blocking path too.
    func testABatchThatCannotBeWrittenFailsEveryCallerInIt() async throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("no /dev/full") }
        // The log's own folder is made 0700: a folder of ours, with the
        // log a link to /dev/full in it.
        let dir = NSTemporaryDirectory() + "zdsh-audit-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/audit.jsonl", withDestinationPath: "/dev/full")
        let log = try AuditLog(path: dir + "/audit.jsonl")
        let failures = await withTaskGroup(of: Bool.self) { group in
            for n in 0..<20 {
                group.addTask {
                    do { try await log.append(.object(["n": .int(Int64(n))])); return false } catch is LocalStateError {
                        return true
                    } catch { return false }
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        XCTAssertEqual(failures, 20)
        XCTAssertThrowsError(try Self.appendBlocking(log, .object(["after": true]))) { error in
            XCTAssertTrue("\(error)".contains("audit log"), "\(error)")
        }
    }

    /// The blocking append (the Lua thread's), which async code would not pick.
    private static func appendBlocking(_ log: AuditLog, _ record: JSON) throws { try log.append(record) }
}
