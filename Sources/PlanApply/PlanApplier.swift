import DeskCatalog
import DeskCore
import DeskGate
import Foundation
import JSONValue
import LuaHost
import Runbooks
import ShellCore

/// `zdsh apply PLAN`: sends the calls a dry run recorded — but a plan is
/// data, never authority. Before anything is sent, every call is re-derived
/// from its method and path through the catalog, its arguments re-validated,
/// its effect classified and checked against the policy of apply's own
/// command line intersected with what the (re-read, hash-checked) runbook
/// declares, and the caps applied to the whole plan. One refused call
/// refuses the plan: nothing is partly applied because of something
/// knowable at the start.
package struct PlanApplier {
    package var planPath: String
    package var options: Runner.Options
    /// Re-apply a plan that was already applied completely.
    package var force = false
    /// Plans older than this are refused as stale (exit 6): `--max-plan-age`.
    package var maxPlanAge: TimeInterval = PlanAge.defaultMaximum
    /// The connection to send through when the caller already holds one
    /// (the MCP server's simulator, whose state outlives one apply); nil:
    /// made from the plan's target. The target is checked either way.
    package var backend: Backend?
    /// Asks before sending instead of the terminal prompt (the MCP server asks
    /// its client's human). Given the re-derived summary and whether any
    /// pending call is destructive; false refuses the plan.
    package var confirm: ((_ summary: String, _ destructive: Bool) async -> Bool)?
    /// The audit log to append to when the caller already holds it open (two
    /// handles on one file would overwrite each other's lines); nil: opened here.
    package var audit: AuditLog?
    /// Fields added to every audit record (the MCP client's name).
    package var auditContext: [String: JSON] = [:]
    /// `--skip-drifted`: a call whose records changed since the plan was made
    /// is left out (and listed) instead of refusing the whole plan.
    package var skipDrifted = false
    /// Where progress and refusals are written (stderr by default).
    package var progress: (String) -> Void = { Terminal.error($0) }
    /// Under --json: the document apply writes (see RunReport).
    package let report = RunReport()

    package init(planPath: String, options: Runner.Options) {
        self.planPath = planPath; self.options = options
    }

    package func apply() async -> ExitStatus {
        let status = await applyReporting()
        return options.json ? report.finish(status: status) : status
    }

    private func applyReporting() async -> ExitStatus {
        do { return try await applyThrowing() } catch {
            let status: ExitStatus
            var message = "zdsh: \(error)"
            switch error {
            case let refusal as PlanRefusal:
                status = refusal.status
                message = "zdsh: refusing to apply \(Terminal.visible(planPath)): \(refusal.reason); nothing was sent"
            case is UsageError, is PolicyError: status = .usage
            case let desk as DeskError:
                status = .apiError
                // Its hint on a line of its own; a server's newline escaped within its line.
                message = desk.lines.map { "zdsh: \(Terminal.visible($0))" }.joined(separator: "\n")
            case is DriftRead.Unreadable: status = .apiError
            case is LocalStateError: status = .stateUnwritable
            default: status = .luaError
            }
            progress(message)
            report.error = ErrorDocument(code: status, message: message)
            return status
        }
    }

    package struct PlanRefusal: Error, CustomStringConvertible {
        let reason: String
        var status: ExitStatus = .denied
        package var description: String { reason }
    }

    /// One planned call, as apply re-derived it, with what the plan
    /// recorded of it (its `before` values).
    package struct Step {
        let index: Int
        let call: PreparedCall
        let recorded: [String: JSON]

        /// The values before a one-record update, as the plan recorded them
        /// and the drift read confirmed: what `zdsh undo` sets back.
        var checkedBefore: [String: JSON]? { recorded["before"]?.objectValue }
    }

    /// A plan file read and its signature checked.
    struct LoadedPlan {
        let id: String
        let fields: [String: JSON]
        let calls: [JSON]
        var runId: String { "plan-\(id)" }
    }

    /// The plan's runbook, re-read and hash-checked: where it is and what it declares.
    struct CheckedRunbook {
        let path: String
        let declared: [Policy.Pattern]
        var writes: [Policy.Pattern] = []
        var notify: [Policy.Pattern] = []
    }

    private func applyThrowing() async throws -> ExitStatus {
        let plan = try loadPlan()
        try PlanAge.check(plan.fields["created"], maximum: maxPlanAge)
        let runbook = try checkRunbook(plan)
        // The target: the plan's own, unless the command line names one — which must agree.
        guard let target = PlanTarget(json: plan.fields["target"]) else { throw PlanRefusal(reason: "it names no target") }
        try checkTarget(target)

        var policy = try Policy.fromCommandLine(allow: options.allow, deny: options.deny, file: options.policyFile,
                                                allowAllDestructive: options.allowAllDestructive)
        policy.declared = runbook?.declared
        policy.declaredWrites = runbook?.writes
        policy.declaredNotify = runbook?.notify
        // Planned uploads are read again, from the runbook's folder and --files-dir, and must match their sha256.
        let uploadRoots = (runbook.map { [SessionRecipe.folder(of: $0.path)] } ?? []) + options.filesDirs
        let steps = try derive(plan.calls, policy: policy, uploadRoots: uploadRoots)

        // From here to the last journalled call, no other apply of this plan runs (PlanLock).
        let lock = try takeLock(plan)
        defer { withExtendedLifetime(lock) {} }
        let journal = try Journal(path: Journal.defaultPath(), runId: plan.runId, resuming: false)
        let done = try journal.completedKeys()
        if done.contains("complete") && !force {
            throw PlanRefusal(reason: "it was already applied completely (pass --force to apply it again)", status: .usage)
        }
        var pending = force && done.contains("complete") ? steps : steps.filter { !done.contains("call \($0.index)") }

        let backend = try await connect(target)
        let check = DriftCheck(steps: pending, read: DriftRead(client: backend.client))
        try check.refuseDeniedReads(policy)
        pending = try await check.run(pending, skippingDrifted: skipDrifted, progress: progress)
        let picture = view(pending, of: steps.count, target: target, runbook: runbook?.path, drift: check)
        progress(picture)
        if pending.isEmpty { return .ok }
        if try await confirmSending(pending, picture: picture) {
            // Time passed at the prompt: the records are read again just before sending.
            pending = try await check.run(pending, skippingDrifted: skipDrifted, progress: progress)
        }
        return try await send(plan, pending, of: steps.count, backend: backend, target: target, runbook: runbook, journal: journal)
    }

    /// Sends the pending calls as one run registered in `zdsh runs`.
    private func send(_ plan: LoadedPlan, _ pending: [Step], of total: Int, backend: Backend, target: PlanTarget,
                      runbook: CheckedRunbook?, journal: Journal) async throws -> ExitStatus {
        let context = auditContext(plan, backend: backend, target: target, runbook: runbook?.path)
        let audit = try self.audit ?? AuditLog(path: options.auditPath ?? (target.simulator ? AuditLog.simulatorPath() : AuditLog.defaultPath()))
        let registry = try? RunRegistry(path: Journal.defaultPath())
        let reverts = plan.fields["reverts"]?.stringValue
        try? await registry?.startApply(id: plan.runId, plannedRun: plan.id, runbook: runbook?.path ?? (reverts != nil ? "(undo)" : "(eval)"),
                                  sha256: plan.fields["sha256"]?.stringValue ?? "", parameters: plan.fields["parameters"] ?? .object([:]),
                                  profile: backend.profile, org: backend.orgId, simulator: target.simulator, reverts: reverts)
        let sent: Int
        do {
            sent = try await send(pending, through: backend, audit: audit, context: context, journal: journal)
        } catch {
            await registry?.finish(id: plan.runId, state: .failed, summary: "applied part of plan \(plan.id): \(error)")
            throw error
        }
        try await journal.markCompleted(key: "complete")
        progress("zdsh: applied \(sent) call\(sent == 1 ? "" : "s")")
        await registry?.finish(id: plan.runId, state: .complete, summary: "applied \(sent) of \(total) calls of plan \(plan.id)")
        report.summary = ["plan": .string(plan.id), "calls": .int(Int64(total)), "applied": .int(Int64(sent)),
                          "run_id": .string(plan.runId)]
        return .ok
    }

    /// The plan's lock, or a refusal naming who holds it.
    private func takeLock(_ plan: LoadedPlan) throws -> PlanLock {
        do { return try PlanLock(planId: plan.id) } catch let held as PlanLock.Held {
            throw PlanRefusal(reason: "\(held) (a plan applies once)", status: .usage)
        }
    }

    /// Reads the plan, checks its shape and its signature.
    private func loadPlan() throws -> LoadedPlan {
        let plan = try Plan.load(path: planPath)
        guard case .object(let fields) = plan, fields["version"] == .int(Plan.version),
              let calls = fields["calls"]?.arrayValue, let planId = fields["id"]?.stringValue,
              planId.count <= 80, planId.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw UsageError("\(planPath) is not a zdsh plan of version \(Plan.version) (make a new one with zdsh run … --dry-run --plan-out)")
        }
        switch PlanSignature.verify(plan) {
        case .valid: break
        case .unsigned: throw PlanRefusal(reason: "it carries no signature (make a new plan with zdsh run … --dry-run --plan-out)")
        case .mismatch: throw PlanRefusal(reason: "it was edited after it was made, or made by another user or machine (its signature does not match); make a new plan")
        case .noKey: throw PlanRefusal(reason: "it was made by another user or machine (this one holds no plan key); make a new plan here")
        }
        return LoadedPlan(id: planId, fields: fields, calls: calls)
    }

    /// The runbook: re-read, hash-checked, described the way `zdsh run`
    /// describes it; its declarations are the policy's other half. Nil for
    /// a plan made from a plain chunk.
    private func checkRunbook(_ plan: LoadedPlan) throws -> CheckedRunbook? {
        guard let runbook = plan.fields["runbook"]?.stringValue else { return nil }
        let sha = plan.fields["sha256"]?.stringValue
        guard runbook.hasPrefix("/") else { throw PlanRefusal(reason: "its runbook path \(Terminal.visible(runbook)) is not absolute") }
        guard let data = FileManager.default.contents(atPath: runbook) else {
            throw PlanRefusal(reason: "the runbook \(Terminal.visible(runbook)) it was made from is gone")
        }
        let now = RunbookSpec.sha256(data)
        guard now == sha else {
            throw PlanRefusal(reason: "\(Terminal.visible(runbook)) changed since the plan was made (sha256 \(now.prefix(12))… ≠ \(Terminal.visible(String((sha ?? "?").prefix(12))))…); make a new plan")
        }
        let spec = try RunbookInspector.spec(file: runbook, source: data)
        if !options.parameters.isEmpty, try spec.convert(options.parameters) != plan.fields["parameters"] {
            throw PlanRefusal(reason: "the parameters differ from the plan's \(Terminal.visible(plan.fields["parameters"]?.encoded() ?? "{}"))", status: .usage)
        }
        return CheckedRunbook(path: runbook, declared: try spec.destructive.map(Policy.Pattern.init),
                              writes: try spec.writes.map(Policy.Pattern.init), notify: try spec.notify.map(Policy.Pattern.init))
    }

    /// The backend to send through: the caller's, or one made from the
    /// plan's target (whose org must be the planned one).
    private func connect(_ target: PlanTarget) async throws -> Backend {
        if let given = self.backend { return given }
        var backend: Backend
        if target.simulator {
            backend = try Backend.simulator(fixture: target.fixture, verbose: options.backendChoice.verbose, concurrency: options.backendChoice.concurrency)
        } else {
            backend = try await Backend.profile(target.profile, orgId: target.org, endpoints: options.backendChoice.endpoints, verbose: options.backendChoice.verbose,
                                                concurrency: options.backendChoice.concurrency)
            if let planned = target.org, let org = backend.orgId, planned != org {
                throw PlanRefusal(reason: "it was made for org \(Terminal.visible(planned)), not \(org)", status: .usage)
            }
        }
        // --strict-sim: an answer the simulator would make up fails the call, as in run and eval.
        backend.watch?.strict = options.strictSim
        return backend
    }

    /// The caller's confirmation, --yes, or a y/N prompt on a terminal;
    /// answers whether someone was asked (time may have passed).
    private func confirmSending(_ pending: [Step], picture: String) async throws -> Bool {
        if let confirm {
            let destructive = pending.contains { $0.call.effect.safety == .destructive }
            guard await confirm(picture, destructive) else { throw PlanRefusal(reason: "not confirmed") }
            return destructive
        }
        if options.yes { return false }
        guard options.interactive else { throw PlanRefusal(reason: "no terminal to confirm on; pass --yes") }
        Terminal.prompt("Apply these \(pending.count) call\(pending.count == 1 ? "" : "s")? [y/N] ")
        TerminalPrompt.discardTypedAhead()
        // Read on a thread of its own: the wait for a person must not hold
        // one of the cooperative pool's few threads.
        let line = try await OffPool.run(name: "zdsh.confirm") { readLine() }
        let answer = line?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard answer == "y" || answer == "yes" else { throw PlanRefusal(reason: "not confirmed") }
        return true
    }

    /// The fields every audit record of this apply carries.
    private func auditContext(_ plan: LoadedPlan, backend: Backend, target: PlanTarget, runbook: String?) -> [String: JSON] {
        var context = AuditContext.base(runId: plan.runId, backend: backend)
        context["plan"] = .string(planPath)
        context["sim"] = .bool(target.simulator)
        context["parameters"] = plan.fields["parameters"] ?? .object([:])
        // An undo's apply names the run it reverts in every record.
        if let reverts = plan.fields["reverts"]?.stringValue { context["reverts"] = .string(reverts) }
        context.merge(auditContext) { own, _ in own }
        if let runbook { context["runbook"] = .string(runbook); context["sha256"] = plan.fields["sha256"]?.stringValue.map(JSON.string) ?? .null }
        return context
    }

    /// Sends the pending calls in order, each between an intent and an
    /// outcome audit record, journalled when done; answers how many were sent.
    private func send(_ pending: [Step], through backend: Backend, audit: AuditLog, context: [String: JSON],
                      journal: Journal) async throws -> Int {
        var sent = 0
        for step in pending {
            let p = step.call
            // On disk before the call leaves, or the call is not sent (exit 7).
            try await audit.append(CallGate.auditRecord(p, phase: "intent", context: context))
            let start = Date()
            do {
                let r = p.uploads.isEmpty
                    ? try await backend.client.call(p.operation, path: p.path, query: p.query, body: p.body)
                    : try await backend.client.upload(p.operation, path: p.path, query: p.query, files: p.uploads)
                let ms = Int(Date().timeIntervalSince(start) * 1000)
                // Journalled first: applying again after a failed outcome line never repeats the call.
                try await journal.writeGrouped(journal.recordForUndo(p, before: step.checkedBefore, answer: r, outcomes: RecordOutcomes(r),
                                                                     redactor: Redactor(connection: backend.client.connection)))
                try await journal.markCompleted(key: "call \(step.index)")
                try await audit.append(CallGate.auditRecord(p, phase: "outcome", context: context, status: r == .empty ? 204 : 200, durationMs: ms))
                sent += 1
            } catch let e as DeskError {
                let ms = Int(Date().timeIntervalSince(start) * 1000)
                try await audit.append(CallGate.auditRecord(p, phase: "outcome", context: context, status: e.status,
                                                            errorCode: e.errorCode ?? e.kind.rawValue, durationMs: ms))
                // Completed calls are journalled, so applying again resumes here.
                progress("zdsh: applied \(sent) of \(pending.count); call \(step.index) (\(p.operation.id)) failed; "
                               + "`zdsh apply` again resumes at it")
                throw e
            }
        }
        return sent
    }

    /// A target on the command line must be the plan's.
    private func checkTarget(_ target: PlanTarget) throws {
        if options.backendChoice.sim && !target.simulator {
            throw PlanRefusal(reason: "it was made for \(target.described), not the simulator", status: .usage)
        }
        if let profile = options.backendChoice.profile, target.simulator || profile != target.profile {
            throw PlanRefusal(reason: "it was made for \(target.described), not profile \(Terminal.visible(profile))", status: .usage)
        }
        if let org = options.backendChoice.org, org != target.org {
            throw PlanRefusal(reason: "it was made for \(target.described), not org \(Terminal.visible(org))", status: .usage)
        }
        if let fixture = options.backendChoice.fixture, absolute(fixture) != target.fixture {
            throw PlanRefusal(reason: "it was made for \(target.described), not fixture \(Terminal.visible(fixture))", status: .usage)
        }
    }
}
