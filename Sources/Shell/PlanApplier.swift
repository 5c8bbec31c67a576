import DeskCatalog
import DeskCore
import Foundation
import JSONValue

/// `zdsh apply PLAN`: sends the calls a dry run recorded — but a plan is
/// data, never authority. Before anything is sent, every call is re-derived
/// from its method and path through the catalog, its arguments re-validated,
/// its effect classified and checked against the policy of apply's own
/// command line intersected with what the (re-read, hash-checked) runbook
/// declares, and the caps applied to the whole plan. One refused call
/// refuses the plan: nothing is partly applied because of something
/// knowable at the start.
public struct PlanApplier {
    public var planPath: String
    public var options: Runner.Options
    /// Re-apply a plan that was already applied completely.
    public var force = false
    /// The connection to send through when the caller already holds one
    /// (the MCP server's simulator, whose state outlives one apply); nil:
    /// made from the plan's target. The target is checked either way.
    public var backend: Backend?
    /// Asks before sending instead of the terminal prompt (the MCP server asks
    /// its client's human). Given the re-derived summary and whether any
    /// pending call is destructive; false refuses the plan.
    public var confirm: ((_ summary: String, _ destructive: Bool) async -> Bool)?
    /// The audit log to append to when the caller already holds it open (two
    /// handles on one file would overwrite each other's lines); nil: opened here.
    public var audit: AuditLog?
    /// Fields added to every audit record (the MCP client's name).
    public var auditContext: [String: JSON] = [:]
    /// Where progress and refusals are written (stderr by default).
    public var progress: (String) -> Void = { Terminal.error($0) }
    /// Under --json: the document apply writes (see RunReport).
    public let report = RunReport()

    public init(planPath: String, options: Runner.Options) {
        self.planPath = planPath; self.options = options
    }

    public func apply() async -> ExitStatus {
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
            case is DeskError: status = .apiError
            case is LocalStateError: status = .stateUnwritable
            default: status = .luaError
            }
            progress(message)
            report.error = ErrorDocument(code: status, message: message)
            return status
        }
    }

    struct PlanRefusal: Error {
        let reason: String
        var status: ExitStatus = .denied
    }

    /// One planned call, as apply re-derived it.
    struct Step {
        let index: Int
        let call: PreparedCall
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
    }

    private func applyThrowing() async throws -> ExitStatus {
        let plan = try loadPlan()
        let runbook = try checkRunbook(plan)
        // The target: the plan's own, unless the command line names one — which must agree.
        guard let target = PlanTarget(json: plan.fields["target"]) else { throw PlanRefusal(reason: "it names no target") }
        try checkTarget(target)

        var policy = try Policy.fromCommandLine(allow: options.allow, deny: options.deny, file: options.policyFile,
                                                allowAllDestructive: options.allowAllDestructive)
        policy.declared = runbook?.declared
        // Planned uploads are read again, from the runbook's folder and --files-dir, and must match their sha256.
        let uploadRoots = (runbook.map { [SessionRecipe.folder(of: $0.path)] } ?? []) + options.filesDirs
        let steps = try derive(plan.calls, policy: policy, uploadRoots: uploadRoots)

        let journal = try Journal(path: Journal.defaultPath(), runId: plan.runId, resuming: false)
        let done = try journal.completedKeys()
        if done.contains("complete") && !force {
            throw PlanRefusal(reason: "it was already applied completely (pass --force to apply it again)", status: .usage)
        }
        let pending = force && done.contains("complete") ? steps : steps.filter { !done.contains("call \($0.index)") }

        let backend = try await connect(target)
        let picture = summary(pending, of: steps.count, target: target, runbook: runbook?.path)
        progress(picture)
        if pending.isEmpty { return .ok }
        try await confirmSending(pending, picture: picture)

        let context = auditContext(plan, backend: backend, target: target, runbook: runbook?.path)
        let audit = try self.audit ?? AuditLog(path: options.auditPath ?? (target.simulator ? AuditLog.simulatorPath() : AuditLog.defaultPath()))
        let sent = try await send(pending, through: backend, audit: audit, context: context, journal: journal)
        try await journal.markCompleted(key: "complete")
        progress("zdsh: applied \(sent) call\(sent == 1 ? "" : "s")")
        report.summary = ["plan": .string(plan.id), "calls": .int(Int64(steps.count)), "applied": .int(Int64(sent))]
        return .ok
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
        return CheckedRunbook(path: runbook, declared: try spec.destructive.map(Policy.Pattern.init))
    }

    /// The backend to send through: the caller's, or one made from the
    /// plan's target (whose org must be the planned one).
    private func connect(_ target: PlanTarget) async throws -> Backend {
        if let given = self.backend { return given }
        if target.simulator {
            return try Backend.simulator(fixture: target.fixture, verbose: options.verbose, concurrency: options.concurrency)
        }
        let backend = try await Backend.profile(target.profile, orgId: target.org, endpoints: options.endpoints, verbose: options.verbose,
                                                concurrency: options.concurrency)
        if let planned = target.org, let org = backend.orgId, planned != org {
            throw PlanRefusal(reason: "it was made for org \(Terminal.visible(planned)), not \(org)", status: .usage)
        }
        return backend
    }

    /// The caller's confirmation, --yes, or a y/N prompt on a terminal.
    private func confirmSending(_ pending: [Step], picture: String) async throws {
        if let confirm {
            let destructive = pending.contains { $0.call.effect.safety == .destructive }
            guard await confirm(picture, destructive) else { throw PlanRefusal(reason: "not confirmed") }
        } else if !options.yes {
            guard options.interactive else { throw PlanRefusal(reason: "no terminal to confirm on; pass --yes") }
            Terminal.prompt("Apply these \(pending.count) call\(pending.count == 1 ? "" : "s")? [y/N] ")
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard answer == "y" || answer == "yes" else { throw PlanRefusal(reason: "not confirmed") }
        }
    }

    /// The fields every audit record of this apply carries.
    private func auditContext(_ plan: LoadedPlan, backend: Backend, target: PlanTarget, runbook: String?) -> [String: JSON] {
        var context = AuditContext.base(runId: plan.runId, backend: backend)
        context["plan"] = .string(planPath)
        context["sim"] = .bool(target.simulator)
        context["parameters"] = plan.fields["parameters"] ?? .object([:])
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
        if options.sim && !target.simulator {
            throw PlanRefusal(reason: "it was made for \(target.described), not the simulator", status: .usage)
        }
        if let profile = options.profile, target.simulator || profile != target.profile {
            throw PlanRefusal(reason: "it was made for \(target.described), not profile \(Terminal.visible(profile))", status: .usage)
        }
        if let org = options.org, org != target.org {
            throw PlanRefusal(reason: "it was made for \(target.described), not org \(Terminal.visible(org))", status: .usage)
        }
        if let fixture = options.fixture, absolute(fixture) != target.fixture {
            throw PlanRefusal(reason: "it was made for \(target.described), not fixture \(Terminal.visible(fixture))", status: .usage)
        }
    }

    /// Every recorded call, derived again from method + path and checked;
    /// throws on the first that disagrees or is not allowed.
    func derive(_ calls: [JSON], policy: Policy, uploadRoots: [String] = []) throws -> [Step] {
        var steps: [Step] = []
        var destructiveRecords = 0
        for (n, c) in calls.enumerated() {
            let index = n + 1
            let call = try rederive(c, index: index, uploadRoots: uploadRoots)
            guard call.effect.safety == .destructive else {
                steps.append(Step(index: index, call: call))
                continue
            }
            let op = call.operation
            let decision = policy.decide(destructive: op.id, calledAs: OperationNames.preferred(op.id),
                                         because: call.effect.rule.map { "rule \($0.id): \($0.reason)" })
            if let (reason, remedy) = decision.refusal {
                throw PlanRefusal(reason: "call \(index) (\(op.id) \(call.ids.prefix(5).joined(separator: ", "))) is denied: \(reason); to allow it: \(remedy)")
            }
            if let records = call.records {
                destructiveRecords += records
                if destructiveRecords > options.maxDestructive {
                    throw PlanRefusal(reason: "its destructive calls affect more than \(options.maxDestructive) records (raise the cap with --max-destructive)")
                }
            } else if !options.allowUnbounded {
                throw PlanRefusal(reason: "call \(index) (\(op.id)) affects an unbounded set of records; allow it with --allow-unbounded")
            }
            steps.append(Step(index: index, call: call))
        }
        return steps
    }

    /// One recorded call derived again from its method and path through the
    /// catalog, its arguments bound as a live call binds them, and its
    /// recorded operation, ids and safety checked against what it really is.
    private func rederive(_ recorded: JSON, index: Int, uploadRoots: [String]) throws -> PreparedCall {
        func refuse(_ why: String) -> PlanRefusal { PlanRefusal(reason: "call \(index) \(why)") }
        guard case .object(let o) = recorded, let method = o["method"]?.stringValue, let path = o["path"]?.stringValue else {
            throw refuse("has no method and path")
        }
        guard ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) else { throw refuse("has an unknown method \(Terminal.visible(method))") }
        guard path.hasPrefix("/"), !path.contains("?"), !path.contains(where: { $0.isWhitespace }) else {
            throw refuse("has a malformed path \(Terminal.visible(path))")
        }
        guard let match = Catalog.shared.match(method: method, path: path) else {
            throw refuse("(\(method) \(Terminal.visible(path))) resolves to no Zoho Desk operation; plans may only hold catalog operations")
        }
        let op = match.operation
        guard o["operation"]?.stringValue == op.id else {
            throw refuse("claims operation \(Terminal.visible(o["operation"]?.stringValue ?? "(none)")) but \(method) \(Terminal.visible(path)) is \(op.id)")
        }
        let query = try recordedQuery(o["query"], refuse: refuse)
        let parts: [PreparedCall]
        do {
            parts = try ArgumentBinder.bind(operation: op, calledAs: OperationNames.preferred(op.id),
                                            path: match.pathParameters, query: query, body: o["body"])
                .map { try $0.loadingUploads(from: UploadFiles(roots: uploadRoots)) }
        } catch {
            throw refuse("has arguments \(op.id) does not accept: \(Terminal.visible("\(error)"))")
        }
        guard parts.count == 1, let call = parts.first else {
            throw refuse("holds more ids than one \(op.id) request accepts")
        }
        let recordedIds = o["ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if recordedIds.sorted() != call.ids.sorted() {
            throw refuse("lists ids \(Terminal.visible(recordedIds.joined(separator: ","))) but its path and body name \(call.ids.joined(separator: ","))")
        }
        let effect = call.effect
        if effect.safety == .read {
            throw refuse("is a read (\(op.id)); plans hold only writes")
        }
        if o["safety"]?.stringValue != effect.safety.rawValue {
            throw refuse("is recorded as \(Terminal.visible(o["safety"]?.stringValue ?? "(none)")) but \(op.id) with these arguments is \(effect.safety.rawValue)")
        }
        return call
    }

    /// A recorded query: an object of strings, or nothing.
    private func recordedQuery(_ value: JSON?, refuse: (String) -> PlanRefusal) throws -> [String: String] {
        var query: [String: String] = [:]
        switch value {
        case nil, .null?: break
        case .object(let q)?:
            for (k, v) in q {
                guard let s = v.stringValue else { throw refuse("has a query value for \(Terminal.visible(k)) that is not a string") }
                query[k] = s
            }
        default: throw refuse("has a query that is not an object")
        }
        return query
    }

    /// What is about to happen, from the re-derived calls (never from the
    /// plan's own text): the target said plainly, destructive calls first.
    private func summary(_ pending: [Step], of total: Int, target: PlanTarget, runbook: String?) -> String {
        var lines = ["Plan \(Terminal.visible(planPath))" + (runbook.map { " from \(Terminal.visible($0))" } ?? "") + " → \(target.described)"]
        if pending.count < total { lines.append("  \(total - pending.count) of \(total) calls were applied before; \(pending.count) remain") }
        if pending.isEmpty { lines.append("  nothing left to apply"); return lines.joined(separator: "\n") }
        for safety in [Safety.destructive, .write] {
            let group = pending.filter { $0.call.effect.safety == safety }
            guard !group.isEmpty else { continue }
            lines.append("  \(safety == .destructive ? "DESTRUCTIVE" : "writes") (\(group.count)):")
            for s in group.prefix(50) {
                let c = s.call
                let path = concretePath(c.operation.path, c.path)
                // Ids by role, as the dry run showed them: "label: 77; users: 5, 6".
                var byRole = PlanRoles.ids(of: [(path: path, body: c.body)], template: c.operation.path)
                if byRole.isEmpty && !c.ids.isEmpty { byRole = [(role: "ids", ids: c.ids)] }
                let roles = byRole.map {
                    "\(Terminal.visible($0.role)): " + $0.ids.prefix(10).map { Terminal.visible($0) }.joined(separator: ", ")
                        + ($0.ids.count > 10 ? ", … \($0.ids.count) ids" : "")
                }
                lines.append("    \(s.index). \(OperationNames.preferred(c.operation.id))  \(c.operation.method) \(Terminal.visible(path))"
                             + (roles.isEmpty ? "" : "  " + roles.joined(separator: "; ")) + (c.effect.rule.map { "  [rule \($0.id)]" } ?? ""))
            }
            if group.count > 50 { lines.append("    … \(group.count - 50) more") }
        }
        return lines.joined(separator: "\n")
    }
}

func absolute(_ path: String) -> String {
    if path.hasPrefix("/") { return (path as NSString).standardizingPath }
    return ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path) as NSString).standardizingPath
}
