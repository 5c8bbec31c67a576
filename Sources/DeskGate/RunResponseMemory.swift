import DeskCore
import LuaHost

/// The run's off-thread memory as the client charges responses to it: the
/// bridge between the Lua host's pool (which knows the run's budget) and
/// the client's `ResponseBudget` (which knows nothing of Lua).
package struct RunResponseMemory: ResponseMemory {
    let share: OffThreadMemory.Share

    package func take(_ bytes: Int) -> Bool { share.take(bytes) }
    package var room: Int? { share.room }
    package var limit: Int? { share.limit }

    /// Runs `body` with the requests it makes charged to the current work's share.
    static func charging<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await ResponseBudget.$current.withValue(OffThreadMemory.current.map(RunResponseMemory.init)) {
            try await body()
        }
    }

    /// The run stops with the memory limit when a response did not fit.
    static func limit(for error: DeskError, calledAs: String) -> LimitReached {
        LimitReached(kind: .memory, message: "memory limit exceeded by the response to \(calledAs): \(error.message)")
    }
}
