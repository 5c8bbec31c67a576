import Foundation

/// Requests the server has started answering. When the client closes its
/// end (stdin reaches end-of-file) the SDK's receive loop ends at once;
/// the server still finishes and sends what it had read before exiting.
final class InFlightRequests: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func run<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        lock.withLock { count += 1 }
        defer { lock.withLock { count -= 1 } }
        return try await body()
    }

    var isIdle: Bool { lock.withLock { count == 0 } }

    /// Waits until no request is in flight. Each is bounded (Lua runs by
    /// their limits, applies by their calls' timeouts), so this ends. The
    /// short pauses let requests read just before end-of-file start and
    /// their responses leave.
    func drain() async {
        try? await Task.sleep(for: .milliseconds(200))
        while !isIdle { try? await Task.sleep(for: .milliseconds(50)) }
        try? await Task.sleep(for: .milliseconds(100))
    }
}
