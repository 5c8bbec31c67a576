import Synchronization

/// The calls one `desk.each` may have in flight at once.
///
/// `desk.each(list, fn, {concurrency = N})` promises N calls at a time. Its
/// workers are more than N: while N calls are out, the others run ahead to
/// the point of their own call (the gate's checks, the audit line, the
/// journal's mark) and wait here for a slot. A slot freed by an answer is
/// taken at once by a call that is ready, instead of waiting for its worker
/// to hop back to the Lua thread, run the loop's Lua code and prepare the
/// next call: at the speed Zoho allows, that turnaround is what separated
/// a run from N × latency.
///
/// The scheduler gives each task the slots of the `desk.each` that spawned
/// it and runs the task's async work with them as `CallSlots.current`; the
/// code that sends holds one (`holding`) around the request itself. First
/// come, first served; a cancelled waiter leaves without taking a slot.
public final class CallSlots: Sendable {
    /// The slots of the task whose work is running (nil: no bound but the org's).
    @TaskLocal public static var current: CallSlots?

    private struct State {
        var free: Int
        var waiting: [(id: UInt64, continuation: CheckedContinuation<Void, Error>)] = []
        var nextId: UInt64 = 0
        var closed = false
    }

    private let state: Mutex<State>

    /// At most `count` calls in flight (at least one).
    public init(_ count: Int) {
        state = Mutex(State(free: max(1, count)))
    }

    /// Calls waiting for a slot now.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// What a call waiting for a slot gets when its run has ended: it was
    /// never sent, and is not sent afterwards.
    public static let runEnded = HostError("not sent: the run ended while this call waited for its turn")

    /// Runs `body` holding one of the current task's slots, if it has any.
    public static func holding<T>(_ body: () async throws -> T) async throws -> T {
        guard let slots = current else { return try await body() }
        try await slots.acquire()
        defer { slots.release() }
        return try await body()
    }

    /// The run is over: calls waiting for a slot, and any that come later,
    /// fail without being sent. Calls holding a slot finish as they were.
    func close() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Error>] in
            s.closed = true
            defer { s.waiting.removeAll() }
            return s.waiting.map(\.continuation)
        }
        for w in waiters { w.resume(throwing: Self.runEnded) }
    }

    private enum Turn { case go, wait(UInt64), refused(Error) }

    func acquire() async throws {
        try Task.checkCancellation()
        let first = state.withLock { s -> Turn in
            if s.closed { return .refused(Self.runEnded) }
            if s.free > 0, s.waiting.isEmpty { s.free -= 1; return .go }
            defer { s.nextId += 1 }
            return .wait(s.nextId)
        }
        guard case .wait(let id) = first else {
            if case .refused(let error) = first { throw error }
            return
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
                let turn = state.withLock { s -> Turn in
                    if s.closed { return .refused(Self.runEnded) }
                    if Task.isCancelled { return .refused(CancellationError()) }
                    // A slot may have been freed since the first look.
                    if s.free > 0, s.waiting.isEmpty { s.free -= 1; return .go }
                    s.waiting.append((id, c))
                    return .wait(id)
                }
                switch turn {
                case .go: c.resume()
                case .refused(let error): c.resume(throwing: error)
                case .wait: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<Void, Error>? in
                guard let i = s.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiting.remove(at: i).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Hands the slot straight to the oldest waiter, or frees it.
    func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Error>? in
            if s.waiting.isEmpty { s.free += 1; return nil }
            return s.waiting.removeFirst().continuation
        }
        next?.resume()
    }
}
