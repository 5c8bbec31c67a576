/// An async counting semaphore: at most `limit` holders at once, waiters
/// served first-come first-served, and a cancelled waiter leaves the queue
/// without consuming a slot.
///
/// Zoho counts concurrent calls per portal (5–25 by edition) and answers
/// 429 TOO_MANY_REQUESTS beyond that, so every client of an org in this
/// process shares one limiter (`ConcurrencyLimiter.shared(forOrg:)`). When
/// the org's real limit is lower than ours (another integration shares it,
/// or the edition was guessed high), `RateLimitBackoff` halves `limit` for
/// the rest of the process.
public actor ConcurrencyLimiter {
    /// Slots now; only ever lowered (`lower(to:)`).
    public private(set) var limit: Int
    /// The limit it started with.
    public nonisolated let initialLimit: Int
    private var inFlight = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, Error>)] = []
    private var nextId: UInt64 = 0
    private var backoff = RateLimitBackoff()
    /// Bumped at each lowering: answers to calls sent before it do not count
    /// toward the next (one burst of 429s halves the limit once).
    private var generation: UInt64 = 0

    public init(limit: Int = 5) {
        self.limit = max(1, limit)
        self.initialLimit = max(1, limit)
    }

    public var active: Int { inFlight }
    public var waiting: Int { waiters.count }

    public func acquire() async throws {
        _ = try await acquireGeneration()
    }

    /// Takes a slot and returns the generation it was taken in.
    private func acquireGeneration() async throws -> UInt64 {
        try Task.checkCancellation()
        if inFlight < limit, waiters.isEmpty {
            inFlight += 1
            return generation
        }
        let id = nextId
        nextId += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
                if Task.isCancelled {
                    c.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, c))
                }
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
        return generation
    }

    public func release() {
        // After a lowering, holders above the new limit leave without handing on their slot.
        if waiters.isEmpty || inFlight > limit {
            inFlight = max(0, inFlight - 1)
        } else {
            // Hand the slot straight to the oldest waiter: inFlight is unchanged.
            waiters.removeFirst().continuation.resume()
        }
    }

    /// Runs `body` holding one slot.
    public nonisolated func withSlot<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire()
        do {
            let value = try await body()
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }

    /// Runs `body` holding one slot, and counts its answer toward the
    /// backoff (`tooManyRequests` says whether it was a 429
    /// TOO_MANY_REQUESTS). Returns the value and, when this answer lowered
    /// the limit, the limit before and after.
    public nonisolated func withSlot<T: Sendable>(
        _ body: @Sendable () async throws -> T, tooManyRequests: @Sendable (T) -> Bool
    ) async throws -> (value: T, lowered: (from: Int, to: Int)?) {
        let generation = try await acquireGeneration()
        do {
            let value = try await body()
            let lowered = await settle(tooManyRequests: tooManyRequests(value), generation: generation)
            return (value, lowered)
        } catch {
            await release()
            throw error
        }
    }

    /// Releases a slot and counts its answer, in one hop onto the actor.
    private func settle(tooManyRequests: Bool, generation: UInt64) -> (from: Int, to: Int)? {
        let lowered = note(tooManyRequests: tooManyRequests, generation: generation)
        release()
        return lowered
    }

    /// Counts one answer to a call sent in `generation`; halves the limit
    /// (floor 1) when the backoff says the 429s are sustained.
    func note(tooManyRequests: Bool, generation sent: UInt64) -> (from: Int, to: Int)? {
        guard sent == generation, backoff.note(tooManyRequests: tooManyRequests, limit: limit) else { return nil }
        let before = limit
        limit = max(1, limit / 2)
        generation += 1
        return (before, limit)
    }

    private func cancel(_ id: UInt64) {
        if let index = waiters.firstIndex(where: { $0.id == id }) {
            waiters.remove(at: index).continuation.resume(throwing: CancellationError())
        }
    }

    // MARK: process-wide registry

    private static let registry = LimiterRegistry()

    /// The limiter every client of `orgId` in this process shares.
    public static func shared(forOrg orgId: String, limit: Int = 5) async -> ConcurrencyLimiter {
        await registry.limiter(for: orgId, limit: limit)
    }
}

private actor LimiterRegistry {
    private var limiters: [String: ConcurrencyLimiter] = [:]
    func limiter(for key: String, limit: Int) -> ConcurrencyLimiter {
        if let existing = limiters[key] { return existing }
        let created = ConcurrencyLimiter(limit: limit)
        limiters[key] = created
        return created
    }
}
