import Foundation
import JSONValue
import ShellCore
import Synchronization

/// Append-only JSON Lines record of every write and destructive call: one
/// line before sending (intent) and one after (outcome), each flushed to
/// disk before the program goes on, so a killed run still shows what it
/// was about to do.
///
/// Flushing is a group commit. Async callers (every call a run sends) queue
/// their lines and one committer writes and syncs each batch (AuditGroupCommit);
/// blocking callers append their line, then one of them syncs the file for all
/// writes made so far while the others wait for a sync that covers theirs.
/// Each caller still returns only once its own line is on disk, but ten calls
/// in flight cost one sync, not ten.
///
/// `@unchecked Sendable`: every mutable field (and the handle's writes) is
/// touched only with `condition` locked; the sync itself runs unlocked but
/// only in the one caller that set `syncing`. A condition variable, not a
/// `Mutex`, because waiters sleep until a sync covers their line.
package final class AuditLog: @unchecked Sendable {
    package let path: String
    private let handle: FileHandle
    private let condition = NSCondition()
    private var written = 0      // writes made (a line, or a batch of them)
    private var synced = 0       // writes known to be on disk
    private var syncing = false  // a caller is syncing right now
    private var failure: LocalStateError?  // set once a write or sync failed

    /// `$XDG_STATE_HOME/zdsh/audit.jsonl` (default `~/.local/state/zdsh/`).
    package static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/state")
        return (base as NSString).appendingPathComponent("zdsh/audit.jsonl")
    }

    /// Simulator runs: `$XDG_STATE_HOME/zdsh/audit-sim.jsonl`, so rehearsals
    /// never mix with the record of what happened to a real org.
    package static func simulatorPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        ((defaultPath(environment: environment) as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("audit-sim.jsonl")
    }

    package init(path: String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch { throw LocalStateError("state folder \(dir)", error) }
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw LocalStateError("audit log \(path)", reason: "cannot create the file")
            }
        }
        // O_APPEND: every write lands at the end as it is now, so two handles
        // on one log (an MCP session and its applies, two zdsh processes)
        // add lines instead of overwriting each other's from a stale offset.
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw LocalStateError("audit log \(path)", reason: String(cString: strerror(errno))) }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        batches = AuditGroupCommit(what: "audit log \(path)")
    }

    deinit { try? handle.close() }

    /// Lines of async callers, written and synced in shared batches.
    private let batches: AuditGroupCommit

    /// From async code: the line goes to disk in the next shared batch
    /// (AuditGroupCommit), never blocking a thread of the cooperative pool.
    package func append(_ record: JSON) async throws {
        try await appending(record).written()
    }

    /// Queues `record` for the next batch and returns at once, so the caller
    /// can do other work (the journal's mark) while the line goes to disk;
    /// `written()` waits for it.
    func appending(_ record: JSON) -> PendingLine {
        let line = PendingLine()
        batches.enqueue(Self.line(record), line) { try self.append(bytes: $0) }
        return line
    }

    private static func line(_ record: JSON) -> [UInt8] {
        var text = record.encoded()
        text += "\n"
        return Array(text.utf8)
    }

    /// An audit line on its way to disk.
    final class PendingLine: Sendable {
        private enum State {
            case writing
            case waiting(CheckedContinuation<Void, Error>)
            case written(LocalStateError?)
        }
        private let state = Mutex(State.writing)

        func finish(_ failure: LocalStateError?) {
            let waiter = state.withLock { s -> CheckedContinuation<Void, Error>? in
                defer { s = .written(failure) }
                if case .waiting(let c) = s { return c }
                return nil
            }
            if let failure { waiter?.resume(throwing: failure) } else { waiter?.resume() }
        }

        /// Returns once the line is on disk; throws when it could not be written.
        func written() async throws {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
                let done = state.withLock { s -> LocalStateError?? in
                    if case .written(let failure) = s { return .some(failure) }
                    s = .waiting(c)
                    return .none
                }
                switch done {
                case .none: break
                case .some(nil): c.resume()
                case .some(let failure?): c.resume(throwing: failure)
                }
            }
        }
    }

    /// Appends one record and returns once it is on disk; throws
    /// `LocalStateError` when it cannot be (the disk is full, say). Once a
    /// write or sync has failed the log stays failed: a later line could
    /// otherwise land on disk while an earlier one did not. Blocks: call it
    /// from a thread that may wait (the Lua thread, a command's set-up).
    package func append(_ record: JSON) throws {
        try append(bytes: Self.line(record))
    }

    /// Writes whole lines in one write and returns once they are on disk.
    private func append(bytes: [UInt8]) throws {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        // One writer at a time: lines never interleave.
        if let error = Self.writeAll(bytes, to: handle.fileDescriptor) {
            failure = LocalStateError("audit log \(path)", reason: error)
            throw failure!
        }
        written += 1
        let mine = written
        while synced < mine {
            if let failure { throw failure }
            if syncing {
                condition.wait()
                continue
            }
            syncing = true
            let upTo = written
            condition.unlock()
            let ok = fdatasync(handle.fileDescriptor) == 0
            let reason = ok ? nil : String(cString: strerror(errno))
            condition.lock()
            syncing = false
            if let reason { failure = LocalStateError("audit log \(path)", reason: "sync failed: \(reason)") } else { synced = upTo }
            condition.broadcast()
        }
    }

    /// Writes every byte (a short write is continued); the error's text, or nil.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> String? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += n
        }
        return nil
    }

    /// One record as `zdsh audit tail` shows it: time, run, phase, operation,
    /// method, path, ids, outcome. Every field is escaped: the log holds ids
    /// and paths a runbook chose and error codes the API sent (or whatever a
    /// hand-edited file says), and none of it may start a line or send the
    /// terminal a command.
    package static func humanLine(_ r: JSON, colour: Colour = Colour(enabled: false)) -> String {
        let s = { (k: String) in Terminal.visible(r[k]?.stringValue ?? "") }
        let status = Terminal.visible(r["status"].map { $0.stringValue ?? $0.encoded() } ?? (r["error_code"]?.stringValue ?? ""))
        let allIds = r["ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
        // Never cut a list without saying so: the full list is in --json.
        var ids = allIds.prefix(5).map { Terminal.visible($0) }.joined(separator: ",")
        if allIds.count > 5 { ids += ",… (\(allIds.count) ids; --json shows all)" }
        let run = s("run_id").isEmpty ? s("plan") : s("run_id")
        let operation = s("called_as").isEmpty ? s("operation") : s("called_as")
        let target = r["sim"] == true ? "sim" : s("profile") + (s("org").isEmpty ? "" : "/" + s("org"))
        var line = "\(s("time"))  \(run)  " + (target.isEmpty ? "" : "\(target)  ")
            + "\(colour.outcome(s("phase").padding(toLength: 8, withPad: " ", startingAt: 0))) \(operation)  \(s("method")) \(s("path"))"
        if !ids.isEmpty { line += "  ids=\(ids)" }
        if !status.isEmpty { line += "  → \(status)" }
        if let failed = r["failed"]?.arrayValue, !failed.isEmpty {
            line += "  (\(failed.count) id\(failed.count == 1 ? "" : "s") failed: " + failed.prefix(3).map { Terminal.visible($0["id"]?.stringValue ?? "?") }.joined(separator: ",")
                + (failed.count > 3 ? ",…" : "") + ")"
        }
        if let rule = r["rule"]?.stringValue { line += "  [rule \(Terminal.visible(rule))]" }
        if let reason = r["reason"]?.stringValue, r["phase"] == "denied" { line += "  — \(Terminal.visible(reason))" }
        if r["dry_run"] == true { line += "  (dry run)" }
        return line
    }

    /// Reads the last `count` records of a log.
    package static func tail(path: String, count: Int) throws -> [JSON] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let lines = data.split(separator: UInt8(ascii: "\n"))
        return lines.suffix(count).compactMap { try? JSON.parse(Array($0)) }
    }
}
