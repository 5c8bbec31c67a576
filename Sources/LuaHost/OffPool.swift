import Foundation

/// Runs blocking work — a whole Lua run, a terminal read — on a thread of
/// its own while the async caller awaits it.
///
/// A Lua run blocks the thread that starts it until the script ends (its
/// API calls are awaited on Swift's cooperative pool meanwhile). Started
/// from async code it would hold one of the pool's threads — as many as the
/// cores, so on a small machine the calls it waits for could find no thread
/// until libdispatch adds one. Every command that runs Lua from async code
/// (run, eval, the REPL, MCP) hands the run over through here.
public enum OffPool {
    /// Runs `body` on a new thread with `stackSize` bytes of stack and
    /// returns its result; the awaiting task holds no thread meanwhile.
    ///
    /// What `body` captures is shared with the caller, but never used by
    /// both at once: the caller is suspended from the moment the thread
    /// starts until `body` has returned, which is why the closure need not
    /// be `@Sendable` (and why the unchecked hand-offs below are sound).
    public static func run<T>(name: String, stackSize: Int = 8 << 20,
                              _ body: @escaping () throws -> T) async throws -> T {
        nonisolated(unsafe) let work = body
        return try await withCheckedThrowingContinuation { (done: CheckedContinuation<Handoff<T>, Error>) in
            let thread = Thread {
                do { done.resume(returning: Handoff(value: try work())) } catch { done.resume(throwing: error) }
            }
            thread.name = name
            thread.stackSize = stackSize
            thread.start()
        }.value
    }

    /// A result crossing from the worker thread to the awaiting task, which
    /// was suspended for as long as the worker held it.
    private struct Handoff<T>: @unchecked Sendable {
        let value: T
    }
}
