import DeskGate
import Foundation
import LuaHost
import Runbooks
import Synchronization

/// One Lua run as other threads see it: a cancellation, the client closing
/// its end, or the server stopping interrupts it (the Lua host trips at its
/// next instruction or host call, so even `while true do end` ends at once);
/// progress reads how many calls it made.
final class RunHandle: Sendable {
    private struct State {
        var host: LuaHost?
        var gate: CallGate?
        var stopped = false
    }

    private let state = Mutex(State())

    /// Called on the run's thread once its session exists.
    func attach(_ session: Session) {
        let stopNow = state.withLock { s in
            s.host = session.host; s.gate = session.gate
            return s.stopped
        }
        if stopNow { session.host.interrupt() }
    }

    /// Called on the run's thread when it ends: nothing is interrupted after that.
    func detach() { state.withLock { $0.host = nil; $0.gate = nil } }

    func interrupt() {
        let host = state.withLock { s in s.stopped = true; return s.host }
        host?.interrupt()
    }

    var wasInterrupted: Bool { state.withLock { $0.stopped } }
    var callsSoFar: Int { state.withLock { $0.gate?.calls.count ?? 0 } }
}

/// The session's runs in progress, so closing stdin (or stopping the HTTP
/// server) interrupts them all instead of waiting for their timeouts.
final class ActiveRuns: Sendable {
    private let runs = Mutex<[ObjectIdentifier: RunHandle]>([:])
    private let closed = Mutex(false)

    func add(_ h: RunHandle) {
        runs.withLock { $0[ObjectIdentifier(h)] = h }
        if closed.withLock({ $0 }) { h.interrupt() }
    }

    func remove(_ h: RunHandle) { _ = runs.withLock { $0.removeValue(forKey: ObjectIdentifier(h)) } }

    /// The client is gone: interrupt every run, and every run that starts later.
    func interruptAll() {
        closed.withLock { $0 = true }
        for h in runs.withLock({ Array($0.values) }) { h.interrupt() }
    }

    var count: Int { runs.withLock { $0.count } }
}

/// At most `limit` Lua runs at once per session (each may hold a thread and
/// up to --max-memory); later ones wait their turn, and a cancelled waiter
/// leaves the queue.
actor RunSlots {
    private let limit: Int
    private var inUse = 0
    private var waiting: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextId: UInt64 = 0

    init(limit: Int) { self.limit = max(1, limit) }

    /// Runs `body` in a slot; nil if the caller was cancelled while waiting.
    func run<T: Sendable>(_ body: @Sendable () async -> T) async -> T? {
        guard await acquire() else { return nil }
        let value = await body()
        release()
        return value
    }

    private func acquire() async -> Bool {
        if inUse < limit { inUse += 1; return true }
        nextId += 1
        let id = nextId
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled { continuation.resume(returning: false) } else { waiting.append((id, continuation)) }
            }
        } onCancel: {
            Task { await self.abandon(id) }
        }
    }

    private func abandon(_ id: UInt64) {
        guard let i = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: i).continuation.resume(returning: false)
    }

    private func release() {
        if waiting.isEmpty { inUse -= 1 } else { waiting.removeFirst().continuation.resume(returning: true) }
    }
}
