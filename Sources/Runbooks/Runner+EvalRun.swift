import DeskGate
import Foundation
import JSONValue
import LuaHost

package extension Runner {
    /// An eval that sent a write is listed by `zdsh runs` (runbook "(eval)"),
    /// so its id can be given to `zdsh undo`; the id is printed with how
    /// (not for the built-in simulator, whose changes end with the process).
    /// An eval that only read, or a dry run, leaves no entry.
    func registerEval(_ run: Prepared, calls: [CallRecord], state: RunRegistry.State, summary: String) async {
        if case .file = source { return }
        guard !options.dryRun, calls.contains(where: { $0.safety != .read && $0.outcome == .sent && !$0.notSent }),
              let registry = try? RunRegistry() else { return }
        let (id, sha, backend) = (run.runId, run.sha, run.backend)
        // `start` writes synchronously: on a thread of its own, not the pool's.
        try? await OffPool.run(name: "zdsh.registry") {
            try registry.start(id: id, runbook: "(eval)", sha256: sha, parameters: .object([:]), profile: backend.profile,
                               org: backend.orgId, simulator: backend.simulator != nil, dryRun: false)
        }
        await registry.finish(id: run.runId, state: state, summary: summary)
        // The built-in simulator's changes end with this process: nothing to undo, nothing to say.
        if run.backend.simulator == nil { err("zdsh: run \(run.runId) (to revert its changes: zdsh undo \(run.runId))") }
    }
}
