import Foundation

/// CPU seconds, for tests that bound how much work something takes.
///
/// A wall-clock bound flakes on a loaded machine: the code under test waits
/// for a core, and the clock runs on. CPU time is the work itself: a loaded
/// machine gives a process less of it per second, never more, so a bound in
/// CPU seconds fails only when the code really does too much (a runaway loop
/// a limit did not stop, a text built in full). A process that hangs without
/// spinning is not caught this way: those tests wait with a deadline
/// (`ChildProcess.wait(timeout:)`) or check an event instead.
public enum CPUTime {
    /// CPU seconds used so far by this process, all threads.
    public static func process() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// CPU seconds (user and system) used by child processes that have
    /// ended and been waited for, theirs included.
    public static func children() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// `body`'s result and the CPU seconds this process spent meanwhile.
    public static func ofProcess<T>(_ body: () throws -> T) rethrows -> (T, seconds: Double) {
        let start = process()
        let value = try body()
        return (value, process() - start)
    }

    /// `body`'s result and the CPU seconds of the children it ran and waited for.
    public static func ofChildren<T>(_ body: () throws -> T) rethrows -> (T, seconds: Double) {
        let start = children()
        let value = try body()
        return (value, children() - start)
    }
}
