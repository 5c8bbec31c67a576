import Synchronization

/// A value behind the standard library's `Mutex`, for the few bits of client
/// state read synchronously (call count, discovered org) from any thread.
/// Kept as a class with `get`/`mutate` so its users need not change.
final class LockedBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func get() -> Value { mutex.withLock { $0 } }
    @discardableResult
    func mutate<T: Sendable>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}
