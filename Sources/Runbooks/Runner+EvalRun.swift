import DeskGate
import Foundation
import JSONValue

package extension Runner {
    /// An eval that sent a write is listed by `zdsh runs` (runbook "(eval)"),
    /// so its id can be given to `zdsh undo`; the id is printed with how
    /// (not for the built-in simulator, whose changes end with the process).
    /// An eval that only read, or a dry run, leaves no entry.
    func registerEval(_ run: Prepared, calls: [CallRecord], state: RunRegistry.State, summary: String) {
        if case .file = source { return }
        guard !options.dryRun, calls.contains(where: { $0.safety != .read && $0.outcome == .sent && !$0.notSent }),
              let registry = try? RunRegistry() else { return }
        try? registry.start(id: run.runId, runbook: "(eval)", sha256: run.sha, parameters: .object([:]),
                            profile: run.backend.profile, org: run.backend.orgId, simulator: run.backend.simulator != nil,
                            dryRun: false)
        registry.finish(id: run.runId, state: state, summary: summary)
        // The built-in simulator's changes end with this process: nothing to undo, nothing to say.
        if run.backend.simulator == nil { err("zdsh: run \(run.runId) (to revert its changes: zdsh undo \(run.runId))") }
    }
}
