import CLuaShim

/// Ctrl-C in an interactive session: stops the running input (the limit
/// "interrupted", raised at the next instruction or host call, uncatchable)
/// and tells the prompt a line was abandoned.
///
/// The handler itself is C (`interrupt_signal.c`): Swift code in a signal
/// handler may retain and release, which is not async-signal-safe.
public enum InterruptSignal {
    /// Routes SIGINT to `host` until `uninstall`. One host at a time.
    public static func install(for host: LuaHost) {
        zd_sigint_install(host.runtime)
    }

    /// Restores the default SIGINT action; later presses end the process.
    public static func uninstall() {
        zd_sigint_uninstall()
    }

    /// Whether Ctrl-C was pressed since the last call.
    public static func take() -> Bool {
        zd_sigint_take() != 0
    }
}
