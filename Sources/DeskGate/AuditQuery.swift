import Foundation
import JSONValue

/// `zdsh audit tail` with filters: the records of one run, profile or
/// operation, the newest last, and `-f` to follow what is appended.
package struct AuditQuery: Sendable {
    package var run: String?
    package var profile: String?
    /// An operationId or the name it was called as (`desk.profiles.delete`).
    package var operation: String?
    package var count: Int
    /// Only records at or after / at or before these times (`--since`, `--until`).
    package var since: Date?
    package var until: Date?

    package init(run: String? = nil, profile: String? = nil, operation: String? = nil, count: Int = 20) {
        self.run = run; self.profile = profile; self.operation = operation; self.count = count
    }

    package func matches(_ r: JSON) -> Bool {
        if let run, r["run_id"]?.stringValue != run { return false }
        if let profile, r["profile"]?.stringValue != profile { return false }
        if let operation, r["operation"]?.stringValue != operation, r["called_as"]?.stringValue != operation { return false }
        return Self.within(r["time"]?.stringValue, since: since, until: until)
    }

    /// The last `count` matching records, and the file offset to follow from.
    package func tail(path: String) throws -> (records: [JSON], end: UInt64) {
        guard let data = FileManager.default.contents(atPath: path) else { return ([], 0) }
        var out: [JSON] = []
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let r = try? JSON.parse(Array(line)), matches(r) else { continue }
            out.append(r)
            if out.count > count * 2 + 64 { out.removeFirst(out.count - count) }
        }
        // A torn last line (a writer mid-append) is left for the follower.
        let complete = data.lastIndex(of: UInt8(ascii: "\n")).map { UInt64($0 + 1) } ?? 0
        return (Array(out.suffix(count)), complete)
    }

    /// Calls `emit` for each matching record appended after `offset`, until
    /// `stop` says so; polls, since the log is appended by other processes.
    package func follow(path: String, from offset: UInt64, interval: TimeInterval = 0.25,
                       stop: () -> Bool = { false }, emit: (JSON) -> Void) {
        var position = offset
        var pending: [UInt8] = []
        while !stop() {
            if let handle = FileHandle(forReadingAtPath: path) {
                defer { try? handle.close() }
                let size = (try? handle.seekToEnd()) ?? 0
                if size < position { position = 0; pending.removeAll() }  // rotated or truncated
                if size > position {
                    try? handle.seek(toOffset: position)
                    let chunk = (try? handle.readToEnd()) ?? Data()
                    position += UInt64(chunk.count)
                    pending += chunk
                    while let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        let line = Array(pending[..<nl])
                        pending.removeSubrange(...nl)
                        if let r = try? JSON.parse(line), matches(r) { emit(r) }
                    }
                }
            }
            Thread.sleep(forTimeInterval: interval)
        }
    }
}
