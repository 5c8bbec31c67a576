import DeskGate
import Foundation
import JSONValue
import Runbooks
import ShellCore

/// `zdsh apply --refresh PLAN`: the plan's runbook run again as a dry run,
/// with the plan's parameters, against the plan's target as it is now. The
/// new plan is saved beside the old one (`NAME.refreshed.json`), shown, and
/// then applied like any plan — confirmed on the terminal or by --yes, with
/// every check of apply (so a refresh can never send more than a fresh
/// dry run and apply would).
package struct PlanRefresh {
    package let planPath: String
    package var options: Runner.Options

    package init(planPath: String, options: Runner.Options) {
        self.planPath = planPath; self.options = options
    }

    /// Where the refreshed plan is written: `plan.json` → `plan.refreshed.json`.
    package static func refreshedPath(_ path: String) -> String {
        let base = path.hasSuffix(".json") ? String(path.dropLast(5)) : path
        return base + ".refreshed.json"
    }

    package enum Outcome {
        /// The new plan's path.
        case plan(String)
        /// The dry run (or the refusal to run it) ended with this status.
        case failed(ExitStatus)
    }

    /// Makes the new plan.
    package func makePlan() async -> Outcome {
        let plan: [String: JSON]
        do { plan = try readSigned() } catch {
            Terminal.error("zdsh: cannot refresh \(Terminal.visible(planPath)): \(error); nothing was sent")
            return .failed(error is UsageError ? .usage : .denied)
        }
        guard let runbook = plan["runbook"]?.stringValue, runbook.hasPrefix("/") else {
            Terminal.error("zdsh: cannot refresh \(Terminal.visible(planPath)): it was made by eval, not a runbook; run the code again with --dry-run; nothing was sent")
            return .failed(.usage)
        }
        guard let target = PlanTarget(json: plan["target"]) else {
            Terminal.error("zdsh: cannot refresh \(Terminal.visible(planPath)): it names no target; nothing was sent")
            return .failed(.denied)
        }
        var dry = options
        dry.dryRun = true
        dry.json = false
        dry.planOut = Self.refreshedPath(planPath)
        dry.parameters = Self.parameterTexts(plan["parameters"])
        dry.backendChoice.sim = target.simulator
        dry.backendChoice.fixture = target.fixture
        dry.backendChoice.profile = target.simulator ? nil : target.profile
        dry.backendChoice.org = target.org
        Terminal.error("zdsh: refreshing \(Terminal.visible(planPath)): a new dry run of \(Terminal.visible(runbook)) against \(target.described)")
        let status = await Runner(.file(runbook), options: dry).run()
        return status == .ok ? .plan(dry.planOut!) : .failed(status)
    }

    /// The plan, refused unless this user's key signed it (a refresh runs the
    /// runbook the plan names: a foreign plan names none worth running).
    private func readSigned() throws -> [String: JSON] {
        let json = try Plan.load(path: planPath)
        guard case .object(let o) = json, o["version"] == .int(Plan.version) else {
            throw UsageError("it is not a zdsh plan of version \(Plan.version)")
        }
        guard PlanSignature.verify(json) == .valid else {
            throw PlanApplier.PlanRefusal(reason: "its signature is missing or does not match this user's key")
        }
        return o
    }

    /// The plan's converted parameters as `--param` texts again.
    static func parameterTexts(_ parameters: JSON?) -> [String: String] {
        guard case .object(let o)? = parameters else { return [:] }
        return o.compactMapValues { value in
            switch value {
            case .string(let s): return s
            case .int(let n): return String(n)
            case .double(let d): return String(d)
            case .bool(let b): return b ? "true" : "false"
            case .array(let a): return a.compactMap(\.stringValue).joined(separator: ",")
            default: return nil
            }
        }
    }
}
