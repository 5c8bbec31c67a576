import CLuaShim
import Foundation

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
final class Watchdog: @unchecked Sendable {
    static let tick: DispatchTimeInterval = .milliseconds(10)

    private let queue = DispatchQueue(label: "zdsh.watchdog")
    private let timer: DispatchSourceTimer
    private var stopped = false

    init(runtime rt: UnsafeMutablePointer<zd_runtime>, deadline: Date?) {
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + Self.tick, repeating: Self.tick, leeway: .milliseconds(2))
        timer.setEventHandler { [unowned self] in
            guard !stopped else { return }
            if let deadline, rt.pointee.interrupt == Int32(ZD_TRIP_NONE.rawValue), Date() >= deadline {
                rt.pointee.interrupt = Int32(ZD_TRIP_TIMEOUT.rawValue)
            }
            if rt.pointee.interrupt != Int32(ZD_TRIP_NONE.rawValue) || rt.pointee.tripped != Int32(ZD_TRIP_NONE.rawValue) {
                zd_poke(rt)
            }
        }
        timer.resume()
    }

    /// After this returns no poke is sent (the Lua thread may move on).
    func stop() {
        queue.sync {
            stopped = true
            timer.cancel()
        }
    }
}
