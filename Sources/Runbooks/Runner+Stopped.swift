import DeskGate
import LuaHost

package extension Runner {
    /// The registry state of a run a sandbox limit or a cap stopped, nil otherwise.
    func stoppedState(_ result: Result<[RunValue], LuaError>) -> RunRegistry.State? {
        guard case .failure(.limit(let kind, let message)) = result else { return nil }
        return kind == .host ? RunRegistry.State.stopped(byCap: message) : RunRegistry.State.stopped(by: kind)
    }

    /// A run a limit stopped is not a failed job: says how to finish it, and
    /// which flag gives the resumed run more room.
    func reportStopped(_ result: Result<[RunValue], LuaError>, runId: String) {
        guard case .failure(.limit(let kind, _)) = result, let state = stoppedState(result) else { return }
        let flag: String? = switch state {
        case .stoppedCallCap: "--max-calls"
        case .stoppedWriteCap: "--max-writes"
        case .stoppedDestructiveCap: "--max-destructive"
        default: kind.flag
        }
        let room = flag.map { " (raise \($0) if it needs more)" } ?? ""
        err("zdsh: to finish the job\(room): \(Self.resumeCommand(runId))")
    }
}
