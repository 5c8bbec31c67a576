import CLuaShim
import Foundation
import Synchronization

/// Enforces the wall-clock limit and delivers interrupts while a run is on.
///
/// Lua code runs without any hook unless an instruction limit is set, so a
/// tight loop never looks at the clock or at `interrupt`. Every 10 ms the
/// watchdog checks them; once the deadline has passed, an interrupt was asked
/// for, or a limit tripped, it pokes the Lua thread (`zd_poke`) until the run
/// ends: the innermost running coroutine gets a one-instruction hook that
/// raises the trip. Poking again on every tick reaches code that caught the
/// error in another coroutine; a coroutine that is already armed is left as
/// it is (arming walks all its frames, which at the depth of a runaway
/// recursion took longer than a tick: see `arm` in runtime.c).
final class Watchdog {
    static let tick: DispatchTimeInterval = .milliseconds(10)

    private let queue = DispatchQueue(label: "zdsh.watchdog")
    private let timer: DispatchSourceTimer
    private let watched: WatchedRuntime

    init(runtime rt: UnsafeMutablePointer<zd_runtime>, deadline: Date?) {
        let watched = WatchedRuntime(rt)
        self.watched = watched
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + Self.tick, repeating: Self.tick, leeway: .milliseconds(2))
        timer.setEventHandler { watched.tick(deadline: deadline) }
        timer.resume()
    }

    /// After this returns no poke is sent (the Lua thread may move on).
    func stop() {
        // The handler runs on `queue`: once this block has run, no tick is
        // running and every later one sees the flag.
        queue.sync {
            watched.stopped.store(true, ordering: .releasing)
            timer.cancel()
        }
    }
}

/// The runtime as the watchdog's thread sees it.
///
/// `@unchecked Sendable` because of the raw pointer: the watchdog only
/// calls `zd_watch`, which touches the runtime's C11 atomics (`interrupt`,
/// `tripped`) and the thread id that `zd_bind_thread` set before any
/// watchdog existed; and no tick runs once `Watchdog.stop` has returned,
/// which `LuaHost.runOnThread` calls before the runtime can go away.
private final class WatchedRuntime: @unchecked Sendable {
    let runtime: UnsafeMutablePointer<zd_runtime>
    let stopped = Atomic<Bool>(false)

    init(_ runtime: UnsafeMutablePointer<zd_runtime>) { self.runtime = runtime }

    func tick(deadline: Date?) {
        guard !stopped.load(ordering: .acquiring) else { return }
        let passed = deadline.map { Date() >= $0 } ?? false
        zd_watch(runtime, passed ? 1 : 0)
    }
}
