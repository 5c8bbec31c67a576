import LuaHost
import DeskGate

package extension Runner {
    /// The registry state of a run a sandbox limit stopped, nil otherwise.
    func stoppedState(_ result: Result<[RunValue], LuaError>) -> RunRegistry.State? {
        guard case .failure(.limit(let kind, _)) = result else { return nil }
        return RunRegistry.State.stopped(by: kind)
    }

    /// A run a limit stopped is not a failed job: says how to finish it, and
    /// which flag gives the resumed run more room.
    func reportStopped(_ result: Result<[RunValue], LuaError>, runId: String) {
        guard case .failure(.limit(let kind, _)) = result else { return }
        let room = kind.flag.map { " (raise \($0) if it needs more)" } ?? ""
        err("zdsh: to finish the job\(room): \(Self.resumeCommand(runId))")
    }
}
