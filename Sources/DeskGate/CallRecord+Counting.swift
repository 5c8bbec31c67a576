import DeskCore
import LuaHost

package extension CallRecord {
    /// Recorded for a resumed run but not sent: its run had completed it
    /// (see `CallGate.narrowForResume` and `CallSender.verify`).
    var skippedOnResume: Bool { outcome == .sent && message?.hasPrefix("skipped:") == true }

    /// Refused before it left: by the policy, or for its arguments.
    var refused: Bool { outcome == .denied || outcome == .invalid }

    /// Went to Zoho (or, in a dry run, was planned): what a summary counts as a call.
    var went: Bool { !refused && !notSent && !skippedOnResume }

    /// Sent and not yet answered when the run stopped (a resumed run's skipped calls never left).
    var inFlight: Bool { outcome == .sent && status == nil && safety != .read && !notSent && !skippedOnResume }
}

package extension RunRegistry.State {
    /// How a run stopped by a sandbox limit is listed: "stopped (time limit)"
    /// rather than "failed", since `--resume` finishes it.
    static func stopped(by kind: LimitKind) -> RunRegistry.State? {
        switch kind {
        case .timeout: return .stoppedTimeLimit
        case .memory: return .stoppedMemoryLimit
        case .instructions: return .stoppedInstructionLimit
        case .output: return .stoppedOutputLimit
        case .interrupt, .host: return nil
        }
    }

    /// A blast-radius cap the gate stopped the run at (`.host` limits name it
    /// in their message): resumable once the cap is raised.
    static func stopped(byCap message: String) -> RunRegistry.State? {
        if message.hasPrefix("call cap of ") { return .stoppedCallCap }
        if message.hasPrefix("write cap of ") { return .stoppedWriteCap }
        if message.hasPrefix("destructive cap of ") { return .stoppedDestructiveCap }
        return nil
    }
}

package extension DeskError {
    /// Failed before the request could leave for Desk: no answer from Desk,
    /// and a kind that is decided on this side (no credentials or token, a
    /// missing scope, an argument refused, no org to address).
    var neverLeft: Bool {
        status == nil && [.configuration, .authentication, .missingScope, .invalidArgument, .organization].contains(kind)
    }
}
