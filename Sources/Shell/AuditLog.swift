import Foundation
import JSONValue

/// Append-only JSON Lines record of every write and destructive call: one
/// line before sending (intent) and one after (outcome), each flushed to
/// disk before the program goes on, so a killed run still shows what it
/// was about to do.
public final class AuditLog: @unchecked Sendable {
    public let path: String
    private let handle: FileHandle
    private let lock = NSLock()

    /// `$XDG_STATE_HOME/zdsh/audit.jsonl` (default `~/.local/state/zdsh/`).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/state")
        return (base as NSString).appendingPathComponent("zdsh/audit.jsonl")
    }

    public init(path: String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw PolicyError("cannot create audit log \(path)")
            }
        }
        guard let h = FileHandle(forWritingAtPath: path) else { throw PolicyError("cannot open audit log \(path)") }
        h.seekToEndOfFile()
        handle = h
    }

    deinit { try? handle.close() }

    public func append(_ record: JSON) {
        var line = record.encoded()
        line += "\n"
        lock.lock()
        defer { lock.unlock() }
        handle.write(Data(line.utf8))
        try? handle.synchronize()
    }

    /// Reads the last `count` records of a log.
    public static func tail(path: String, count: Int) throws -> [JSON] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let lines = data.split(separator: UInt8(ascii: "\n"))
        return lines.suffix(count).compactMap { try? JSON.parse(Array($0)) }
    }
}
