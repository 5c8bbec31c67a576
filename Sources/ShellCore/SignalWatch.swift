import Dispatch
import Foundation
import LuaHost
import Synchronization

/// SIGINT and SIGTERM during a run: instead of dying mid-call, the run is
/// asked to stop (the Lua host's interrupt, raised at the next instruction
/// or host call), so calls in flight are recorded, the summary printed and
/// the resume command shown. A second signal of the same kind ends the
/// process at once, as a person pressing Ctrl-C twice expects.
package final class SignalWatch: Sendable {
    private let sources: Mutex<[any DispatchSourceSignal]>
    private let received = Mutex<Int32?>(nil)

    package init(host: LuaHost) {
        let signals = [SIGINT, SIGTERM]
        for signo in signals { signal(signo, SIG_IGN) }
        // Dispatch sources, not signal handlers: the event handler runs on a
        // queue, where Swift code (retains, locks) is safe.
        sources = Mutex(signals.map { DispatchSource.makeSignalSource(signal: $0, queue: .global()) })
        sources.withLock { sources in
            for (source, signo) in zip(sources, signals) {
                source.setEventHandler { [weak self, weak host] in self?.arrived(signo, host: host) }
                source.resume()
            }
        }
    }

    private func arrived(_ signo: Int32, host: LuaHost?) {
        let again = received.withLock { received in
            defer { if received == nil { received = signo } }
            return received == signo
        }
        if again {
            signal(signo, SIG_DFL)
            raise(signo)
        }
        host?.interrupt()
    }

    /// Stops watching; the signal that arrived, if one did.
    package func stop() -> Int32? {
        sources.withLock { for s in $0 { s.cancel() } }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        return received.withLock { $0 }
    }
}
