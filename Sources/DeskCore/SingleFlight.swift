/// Runs an async job at most once at a time: callers arriving while it runs
/// share its result. After it finishes, a later call runs it again (used
/// for org discovery, which is then cached by the caller).
actor SingleFlight<Value: Sendable> {
    private var running: Task<Value, Error>?

    func run(_ job: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let running { return try await running.value }
        let task = Task { try await job() }
        running = task
        defer { running = nil }
        return try await task.value
    }
}
