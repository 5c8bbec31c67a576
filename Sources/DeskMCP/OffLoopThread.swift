import Foundation

/// Lua runs block the thread that starts them until the script ends (its
/// API calls are awaited on the concurrency pool meanwhile). Started from a
/// protocol handler they would hold a pool thread — on two cores, enough to
/// stall the server — so each starts on a thread of its own and the handler
/// awaits it. Limits (timeout, memory, instructions) end every run.
enum OffLoopThread {
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = "zdsh.mcp.run"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
