import Synchronization

/// Memory that work running off the Lua thread holds for a run: API
/// responses as they arrive, before any of it reaches Lua.
///
/// The allocator counts only Lua's memory, and `RunBudget` only what host
/// code on the Lua thread holds. Async work runs elsewhere, several pieces
/// at once (`desk.each`), so it draws from a pool: what the run's budget had
/// left when the work started (refreshed on the Lua thread each time work
/// starts), shared by every piece in flight. A piece gives back what it took
/// when it ends; its result is then checked again as it is pushed into Lua.
public final class OffThreadMemory: Sendable {
    private struct Pool {
        /// What the run's budget had left at the last refresh (nil: no limit).
        var room: Int?
        var limit: Int?
        /// Taken by work in flight.
        var held = 0
    }

    private let pool = Mutex(Pool())

    /// The share of the work running in the current task (set by the scheduler).
    @TaskLocal public static var current: Share?

    /// Lua thread: what the run may still hold now, and its limit (nil: none).
    func refresh(room: Int?, limit: Int?) {
        pool.withLock { $0.room = room; $0.limit = limit }
    }

    /// A share for one piece of work.
    func share() -> Share { Share(pool: self) }

    fileprivate func take(_ bytes: Int) -> Bool {
        pool.withLock { p in
            guard let room = p.room else { return true }
            guard bytes >= 0, p.held + bytes <= room else { return false }
            p.held += bytes
            return true
        }
    }

    fileprivate func give(_ bytes: Int) { pool.withLock { $0.held = max(0, $0.held - bytes) } }

    fileprivate var room: Int? { pool.withLock { p in p.room.map { max(0, $0 - p.held) } } }
    fileprivate var limit: Int? { pool.withLock { $0.limit } }

    /// What one piece of work took from the pool; given back when it ends.
    public final class Share: Sendable {
        private let pool: OffThreadMemory
        private let taken = Mutex(0)

        fileprivate init(pool: OffThreadMemory) { self.pool = pool }

        /// Takes `bytes`; false, taking nothing, when the run cannot hold them.
        public func take(_ bytes: Int) -> Bool {
            guard pool.take(bytes) else { return false }
            taken.withLock { $0 += bytes }
            return true
        }

        /// Bytes that may still be taken now (nil: no limit).
        public var room: Int? { pool.room }
        /// The run's memory limit (nil: none).
        public var limit: Int? { pool.limit }

        /// The work is over: what it took goes back to the pool.
        func giveBack() {
            let bytes = taken.withLock { t -> Int in defer { t = 0 }; return t }
            pool.give(bytes)
        }
    }
}
