import Foundation
import LuaHost

/// Ctrl-C: stops the running input (the Lua hook raises the uncatchable
/// "interrupted" limit at the next instruction or host call) and, at the
/// prompt, abandons the line being typed. A plain sigaction handler rather
/// than a dispatch source, because libedit forwards the signal to whatever
/// handler was installed when it started reading.
enum InterruptHandler {
    nonisolated(unsafe) private static var host: Unmanaged<LuaHost>?
    nonisolated(unsafe) private static var pending: Int32 = 0

    static func install(host: LuaHost) {
        self.host = Unmanaged.passUnretained(host)
        var action = sigaction()
        #if os(Linux)
        action.__sigaction_handler.sa_handler = { _ in InterruptHandler.fire() }
        #else
        action.__sigaction_u.__sa_handler = { _ in InterruptHandler.fire() }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: a blocked read returns
        sigaction(SIGINT, &action, nil)
    }

    static func uninstall() {
        signal(SIGINT, SIG_DFL)
        host = nil
    }

    private static func fire() {
        pending = 1
        // Only stores a flag in the runtime: safe from a signal handler.
        host?.takeUnretainedValue().interrupt()
    }

    /// Whether Ctrl-C was pressed since the last call.
    static func take() -> Bool {
        defer { pending = 0 }
        return pending != 0
    }
}
