import GRDB
import Synchronization

/// Journal writes of concurrent calls share one SQLite transaction.
///
/// Ten calls in flight each mark themselves in flight before sending and
/// completed after: twenty small transactions a round, each a hop onto the
/// database's writer queue and a commit. Here a writer that finds no commit
/// under way starts one for everything queued so far; writes that arrive
/// meanwhile wait for the next, which takes them all. Each caller still
/// resumes only once the transaction holding its write has committed, so a
/// write is exactly as durable as before. The writes are small inserts and
/// deletes that fail only when the database does (disk full, I/O error); a
/// transaction that fails then fails every write in it, each caller hearing so.
package final class GroupCommit: Sendable {
    package typealias Write = @Sendable (Database) throws -> Void

    private struct Waiting {
        let write: Write
        let done: CheckedContinuation<Void, Error>
    }

    private struct Queue {
        var waiting: [Waiting] = []
        var committing = false
    }

    private let db: DatabaseQueue
    private let queue = Mutex(Queue())

    package init(_ db: DatabaseQueue) { self.db = db }

    /// Runs `write` in the next shared transaction; returns once it committed.
    package func write(_ write: @escaping Write) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, Error>) in
            let start = queue.withLock { q -> Bool in
                q.waiting.append(Waiting(write: write, done: done))
                defer { q.committing = true }
                return !q.committing
            }
            if start { commitNext() }
        }
    }

    /// Commits everything queued, then looks again; stops when nothing is.
    private func commitNext() {
        let batch = queue.withLock { q -> [Waiting] in
            defer { q.waiting.removeAll() }
            if q.waiting.isEmpty { q.committing = false }
            return q.waiting
        }
        guard !batch.isEmpty else { return }
        db.asyncWrite({ db in
            for item in batch { try item.write(db) }
        }, completion: { _, outcome in
            for item in batch { item.done.resume(with: outcome) }
            self.commitNext()
        })
    }
}
