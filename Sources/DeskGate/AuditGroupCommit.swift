import Foundation
import Synchronization
import ShellCore

/// Audit lines of concurrent async callers go to disk together, as the
/// journal's writes do (GroupCommit): one `write` and one `fdatasync` for
/// every line queued while the previous batch was being synced.
///
/// A caller queues its line and awaits it; a committer that finds no batch
/// under way takes everything queued so far, and lines that arrive
/// meanwhile wait for the next batch, which takes them all. Each caller
/// resumes only once the batch holding its line is on disk, so a line is
/// exactly as durable as before — the intent line still reaches the disk
/// before its call may leave. The committer runs on a serial queue of its
/// own: the write and the sync never block a thread of the cooperative pool,
/// and no thread waits per line.
final class AuditGroupCommit: Sendable {
    /// Writes the bytes of a batch and returns once they are on disk.
    typealias Flush = @Sendable ([UInt8]) throws -> Void

    private struct Queued {
        let bytes: [UInt8]
        let line: AuditLog.PendingLine
    }

    private struct Queue {
        var queued: [Queued] = []
        var committing = false
    }

    /// What a failed batch names ("audit log PATH").
    private let what: String
    private let queue = Mutex(Queue())
    private let committer = DispatchQueue(label: "zdsh.audit.commit")

    init(what: String) { self.what = what }

    /// Queues `bytes` (whole lines) for the next batch; `line` hears when
    /// they are on disk. `flush` is the log's own write, the same each time.
    func enqueue(_ bytes: [UInt8], _ line: AuditLog.PendingLine, flush: @escaping Flush) {
        let start = queue.withLock { q -> Bool in
            q.queued.append(Queued(bytes: bytes, line: line))
            defer { q.committing = true }
            return !q.committing
        }
        if start { committer.async { self.commitAll(flush) } }
    }

    /// Commits batch after batch until nothing is queued.
    private func commitAll(_ flush: Flush) {
        while true {
            let batch = queue.withLock { q -> [Queued] in
                defer { q.queued.removeAll() }
                if q.queued.isEmpty { q.committing = false }
                return q.queued
            }
            if batch.isEmpty { return }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(batch.reduce(0) { $0 + $1.bytes.count })
            for item in batch { bytes += item.bytes }
            var outcome: LocalStateError?
            do { try flush(bytes) } catch { outcome = error as? LocalStateError ?? LocalStateError(what, error) }
            for item in batch { item.line.finish(outcome) }
        }
    }
}
