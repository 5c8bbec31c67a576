/// An async counting semaphore: at most `limit` holders at once, waiters
/// served first-come first-served, and a cancelled waiter leaves the queue
/// without consuming a slot.
///
/// Zoho counts concurrent calls per portal (5–25 by edition) and answers
/// 429 TOO_MANY_REQUESTS beyond that, so every client of an org in this
/// process shares one limiter (`ConcurrencyLimiter.shared(forOrg:)`).
public actor ConcurrencyLimiter {
    public nonisolated let limit: Int
    private var inFlight = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, Error>)] = []
    private var nextId: UInt64 = 0

    public init(limit: Int = 10) { self.limit = max(1, limit) }

    public var active: Int { inFlight }
    public var waiting: Int { waiters.count }

    public func acquire() async throws {
        try Task.checkCancellation()
        if inFlight < limit, waiters.isEmpty {
            inFlight += 1
            return
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
    }

    public func release() {
        if waiters.isEmpty {
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

    private func cancel(_ id: UInt64) {
        if let index = waiters.firstIndex(where: { $0.id == id }) {
            waiters.remove(at: index).continuation.resume(throwing: CancellationError())
        }
    }

    // MARK: process-wide registry

    private static let registry = LimiterRegistry()

    /// The limiter every client of `orgId` in this process shares.
    public static func shared(forOrg orgId: String, limit: Int = 10) async -> ConcurrencyLimiter {
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
