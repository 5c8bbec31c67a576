import Foundation

/// A dedicated OS thread with a large stack on which one Lua state lives.
///
/// Lua's C-stack limit (about 200 nested C calls) assumes a normal stack;
/// pool threads have small ones. Running every Lua call here lets Lua's own
/// limit trip first, and keeps the state on a single thread.
///
/// `@unchecked Sendable`: `jobs` and `stopped` are touched only with
/// `condition` locked, and a job's result is written on the Lua thread
/// before `done.signal()` and read by the caller only after `done.wait()`.
/// A condition variable, not a `Mutex`, because the thread sleeps on it.
final class LuaThread: @unchecked Sendable {
    static let stackSize = 64 << 20

    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopped = false
    private var thread: Thread!

    init(name: String = "zdsh.lua") {
        thread = Thread { [unowned self] in self.loop() }
        thread.stackSize = LuaThread.stackSize
        thread.name = name
        thread.start()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty && stopped { condition.unlock(); return }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    var isCurrent: Bool { Thread.current === thread }

    /// Runs `body` on the Lua thread and waits for its result.
    func sync<T>(_ body: @escaping () throws -> T) throws -> T {
        if isCurrent { return try body() }
        var result: Result<T, Error>!
        let done = DispatchSemaphore(value: 0)
        condition.lock()
        jobs.append {
            result = Result { try body() }
            done.signal()
        }
        condition.signal()
        condition.unlock()
        done.wait()
        return try result.get()
    }

    func sync<T>(_ body: @escaping () -> T) -> T {
        // A non-throwing body cannot make the throwing version throw.
        try! sync { () throws -> T in body() }
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }
}
