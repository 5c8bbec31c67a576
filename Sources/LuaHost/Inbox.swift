import Foundation
import JSONValue

/// Completions of async work started by host functions, delivered from any
/// thread to the Lua thread, which is the only one that touches Lua.
///
/// `@unchecked Sendable`: `items` is touched only with `condition` locked.
/// A condition variable, not a `Mutex`, because `take` sleeps on it.
final class Inbox: @unchecked Sendable {
    typealias Completion = (ticket: Int, result: Result<[JSON], Error>)

    private let condition = NSCondition()
    private var items: [Completion] = []

    func post(_ ticket: Int, _ result: Result<[JSON], Error>) {
        condition.lock()
        items.append((ticket, result))
        condition.signal()
        condition.unlock()
    }

    /// Waits up to `timeout` seconds for at least one completion and takes all.
    func take(timeout: TimeInterval) -> [Completion] {
        condition.lock()
        defer { condition.unlock() }
        if items.isEmpty {
            _ = condition.wait(until: Date(timeIntervalSinceNow: timeout))
        }
        let taken = items
        items.removeAll()
        return taken
    }
}
