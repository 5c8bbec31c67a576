import Dispatch
import Foundation
import LuaHost

/// SIGINT and SIGTERM during a run: instead of dying mid-call, the run is
/// asked to stop (the Lua host's interrupt, raised at the next instruction
/// or host call), so calls in flight are recorded, the summary printed and
/// the resume command shown. A second signal of the same kind ends the
/// process at once, as a person pressing Ctrl-C twice expects.
final class SignalWatch: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var received: Int32?

    init(host: LuaHost) {
        for signo in [SIGINT, SIGTERM] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { [weak self, weak host] in
                guard let self else { return }
                self.lock.lock()
                let again = self.received == signo
                if self.received == nil { self.received = signo }
                self.lock.unlock()
                if again {
                    signal(signo, SIG_DFL)
                    raise(signo)
                }
                host?.interrupt()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops watching; the signal that arrived, if one did.
    func stop() -> Int32? {
        for s in sources { s.cancel() }
        sources.removeAll()
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        lock.lock(); defer { lock.unlock() }
        return received
    }
}
