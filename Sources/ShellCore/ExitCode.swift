/// zdsh's exit codes (DEVELOPERS.md): scripts and CI branch on them.
package enum ExitStatus: Int32, Sendable {
    case ok = 0
    case luaError = 1
    case usage = 2
    case denied = 3
    case limit = 4
    case apiError = 5
    /// A plan the world drifted from since it was made, or one too old.
    case stalePlan = 6
    /// zdsh's own state (audit log, journal, run registry, plan locks) cannot be written.
    case stateUnwritable = 7
    /// Stopped by Ctrl-C (128 + SIGINT), after its summary and resume hint.
    case interrupted = 130
    /// Stopped by SIGTERM (128 + SIGTERM), likewise.
    case terminated = 143
}

import LuaHost

package extension ExitStatus {
    /// The status of a run that ended with `result`, given how many calls the
    /// policy denied: a denial makes the run fail with 3 even when the
    /// runbook caught the error and went on.
    static func of(_ error: LuaError?, denied: Int) -> ExitStatus {
        var status: ExitStatus = .ok
        if let error {
            switch error {
            case .syntax, .host: status = .luaError
            case .limit(let kind, _): status = kind == .host ? .denied : .limit
            case .runtime(_, _, let value):
                status = .luaError
                // Only the host's own error tables count (`.object`); a table
                // Lua built (`.table`) with the same fields is a plain error.
                if case .object(let o) = value {
                    if o["zdsh_error"] == "denied" { status = .denied }
                    if o["zdsh_error"] == "api" { status = .apiError }
                    if o["zdsh_error"] == "invalid" { status = .usage }
                    if o["zdsh_error"] == "state" { status = .stateUnwritable }
                }
            }
        }
        if denied > 0 && (status == .ok || status == .luaError) { status = .denied }
        return status
    }
}
