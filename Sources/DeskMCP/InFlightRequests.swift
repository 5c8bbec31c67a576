import Foundation
import Synchronization

/// Requests the server has started answering. When the client closes its
/// end (stdin reaches end-of-file) the SDK's receive loop ends at once;
/// the server still finishes and sends what it had read before exiting.
final class InFlightRequests: Sendable {
    private let count = Mutex(0)

    func run<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        count.withLock { $0 += 1 }
        defer { count.withLock { $0 -= 1 } }
        return try await body()
    }

    var isIdle: Bool { count.withLock { $0 == 0 } }

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
