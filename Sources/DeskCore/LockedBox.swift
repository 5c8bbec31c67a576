import Foundation

/// A value guarded by a lock, for the few bits of client state read
/// synchronously (call count, discovered org) from any thread.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    @discardableResult
    func mutate<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
