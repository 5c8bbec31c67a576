import DeskCatalog
import DeskCore
import DeskGate
import Foundation
import JSONValue
import LuaHost
import ShellCore

/// Runs a runbook (or a plain chunk) the way `zdsh run` and `zdsh eval` do:
/// parameters checked first, the policy built from declared ∩ granted,
/// confirmation, dry-run plan, audit and journal, human or JSON output, a
/// summary line and the exit status.
package struct Runner {
    package enum Source {
        case file(String)
        case chunk(String)
        /// Code given as bytes (an `eval` argument exactly as in argv).
        case bytes([UInt8])
    }

    package struct Options {
        package var parameters: [String: String] = [:]
        /// Where the calls go: `--sim`/`--fixture` or `--profile`/`--org`/`--api-url`,
        /// with `--verbose` and `--concurrency`, as `BackendChoice` checks and connects them.
        package var backendChoice = BackendChoice()
        package var allow: [String] = []
        package var deny: [String] = []
        package var policyFile: String?
        package var dryRun = false
        package var planOut: String?
        package var yes = false
        package var json = false
        /// `-o/--output`: how results are shown to people (nil: table for
        /// records on a terminal, else text).
        package var output: OutputFormat?
        package var auditPath: String?
        package var limits = Limits.defaults
        package var maxDestructive = 25
        package var maxCalls: Int?
        /// `--max-writes`: records writes may affect (nil: the policy file's, else no cap).
        package var maxWrites: Int?
        /// `--allow-all-destructive`: the one grant of everything, spelled out.
        package var allowAllDestructive = false
        /// `--allow-unbounded`: destructive calls on an unbounded set of
        /// records (empty the bin, "all") may pass the destructive cap.
        package var allowUnbounded = false
        package var resume: String?
        /// `--files-dir`: folders uploads may read from besides the runbook's.
        package var filesDirs: [String] = []
        /// Without --sim or --profile, defer a missing profile to the first
        /// API call instead of failing at start (eval: code may not call it).
        package var connectLazily = false
        /// Wraps the transport (cassette recording); set by the command line.
        package var wrapTransport: ((Transport) -> Transport)?
        /// `--strict-sim`: an answer the simulator did not model is an error (SIM_UNMODELLED).
        package var strictSim = false
        /// `--no-undo`: no read of the values an update changes before it (UndoCapture.swift).
        package var noUndo = false
        package var interactive = isatty(STDIN_FILENO) != 0 && isatty(STDERR_FILENO) != 0
        package init() {}
    }

    package let source: Source
    package var options: Options
    /// Lines for stdout and stderr (injectable for tests).
    package var out: (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
    package var err: (String) -> Void = { Terminal.error($0) }
    /// Under --json: the one document stdout carries (see RunReport).
    let report = RunReport()

    package init(_ source: Source, options: Options) {
        self.source = source
        self.options = options
    }

    package func run() async -> ExitStatus {
        let status = await runReporting()
        return options.json ? report.finish(status: status) : status
    }

    private func runReporting() async -> ExitStatus {
        do {
            return try await runThrowing()
        } catch {
            let status: ExitStatus
            switch error {
            case is UsageError, is PolicyError: status = .usage
            case is DeskError: status = .apiError
            case is LocalStateError: status = .stateUnwritable
            default: status = .luaError
            }
            // A thrown error may carry a server's words: within --max-output too.
            let cap = options.limits.maxOutput
            var errorBudget = ErrorBudget(OutputBudget(bytes: cap > 0 ? cap : nil, deadline: nil), copies: options.json ? 3 : 1)
            let text = errorBudget.cut("\(error)")
            // A Desk error uncut: its hint on a line of its own, each line escaped.
            let lines = (error as? DeskError).flatMap { text == $0.description ? $0.lines : nil } ?? [text]
            for line in lines { err("zdsh: \(Terminal.visible(line))") }
            report.error = ErrorDocument(code: status, message: text).merging(thrown: error)
            return status
        }
    }

    /// What one run holds between its steps.
    package struct Prepared {
        let code: LuaSource
        let sha: String
        let runId: String
        let backend: Backend
        let session: Session
        let registry: RunRegistry?
        let resumed: RunRegistry.Run?
        /// Why there is no connection, when it was deferred: a runbook (which
        /// exists to call the API) still fails with it before it starts.
        let deferred: Error?
    }

    /// What the code did: its result, the converted parameters, the signal
    /// that stopped it, whether it was a runbook — or why it never started.
    struct Outcome {
        var result: Result<[RunValue], LuaError>
        var parameters: JSON = .object([:])
        var interruptedBy: Int32?
        var isRunbook = false
        var refused: ExitStatus?
    }

    private func runThrowing() async throws -> ExitStatus {
        let started = Date()
        let run = try await prepare()
        // The Lua run blocks its thread until it ends: not one of the pool's.
        let runner = self
        let outcome = try await OffPool.run(name: "zdsh.run") { try runner.execute(run) }
        if let refused = outcome.refused { return refused }
        // Calls still going out when the run ended settle first: the summary
        // and the audit log then say what was sent (an interrupted run
        // reports what is left in flight instead of waiting for it).
        if outcome.interruptedBy == nil { await run.session.settle() }
        var status = show(outcome.result, within: run.session.host.resultBudget)
        let calls = run.session.gate.calls
        // A dry run stopped by a call that cannot be sent shows that error, and no plan to apply.
        if options.dryRun { try writePlan(run, parameters: outcome.parameters, calls: calls, save: status != .usage) }
        status = reportDenied(calls, status: status, runId: outcome.isRunbook ? run.runId : nil)
        status = reportLocalState(run.session.gate, status: status)
        // The summary is for runbooks (their run is registered) and for code
        // that called the API; a plain script that made no call just ran.
        if calls.isEmpty && !outcome.isRunbook { return status }
        let summary = summarize(calls, runId: outcome.isRunbook ? run.runId : nil, seconds: Date().timeIntervalSince(started))
        status = reportUnmodelled(run.backend.watch, status: status)
        if let signo = outcome.interruptedBy { return await interrupted(by: signo, run, calls: calls, summary: summary) }
        if run.registry != nil, case .file = source {
            let stopped = stoppedState(outcome.result)
            await run.registry?.finish(id: run.runId, state: options.dryRun ? .dryRun : status == .ok ? .complete : stopped ?? .failed, summary: summary)
            if stopped != nil, !options.dryRun { reportStopped(outcome.result, runId: run.runId) }
        }
        await registerEval(run, calls: calls, state: status == .ok ? .complete : .failed, summary: summary)
        return status
    }

    /// Runs the file or the chunk (blocking: see OffPool).
    private func execute(_ run: Prepared) throws -> Outcome {
        if case .file(let path) = source { return try runFile(path, run) }
        return Outcome(result: run.session.run(run.code))
    }

    /// Reads the code, checks the grants, connects, opens the run's registry
    /// entry and makes the session it runs in.
    private func prepare() async throws -> Prepared {
        let code = try readSource()
        // The policy: grants from flags and files, checked for ambiguity.
        let policy = try Policy.fromCommandLine(allow: options.allow, deny: options.deny, file: options.policyFile,
                                                allowAllDestructive: options.allowAllDestructive,
                                                profile: options.backendChoice.sim ? "sim" : options.backendChoice.profile)
        let (backend, deferred) = try await connect()
        let runId = options.resume ?? Runner.newRunId()
        let sha = RunbookSpec.sha256(code.bytes)
        var registry: RunRegistry?
        var resumed: RunRegistry.Run?
        if case .file = source {
            let opened = try RunRegistry()
            registry = opened
            if let id = options.resume {
                resumed = try Self.checkResumable(id, registry: opened, sha: sha, backend: backend, simulator: options.backendChoice.sim)
            }
        } else if options.resume != nil {
            throw UsageError("--resume is for runbook files")
        }
        let session = try makeSession(policy: policy, backend: backend, runId: runId, sha: sha)
        return Prepared(code: code, sha: sha, runId: runId, backend: backend, session: session,
                        registry: registry, resumed: resumed, deferred: deferred)
    }

    /// The code as bytes, as Lua reads a file (never decoded and re-encoded on the way).
    private func readSource() throws -> LuaSource {
        switch source {
        case .file(let path): return try RunbookLoader.read(path)
        case .chunk(let text): return LuaSource(text: text, name: "=eval")
        case .bytes(let bytes): return LuaSource(bytes: bytes, name: "=eval")
        }
    }

    /// The backend the options name, wrapped when the command line asks
    /// (cassettes), and why it is offline when the connection was deferred.
    private func connect() async throws -> (Backend, Error?) {
        var (backend, deferred) = try await unwrappedBackend()
        if let wrap = options.wrapTransport {
            backend = Backend(client: DeskClient(connection: backend.client.connection, transport: wrap(backend.client.transport),
                                                 store: backend.client.store, options: backend.client.options),
                              simulator: backend.simulator, watch: backend.watch)
        }
        backend.watch?.strict = options.strictSim
        return (backend, deferred)
    }

    private func unwrappedBackend() async throws -> (Backend, Error?) {
        let choice = options.backendChoice
        guard options.connectLazily && !options.backendChoice.sim && options.backendChoice.profile == nil else { return (try await choice.connect(), nil) }
        try choice.check()
        // No store and no token in the environment: say so at the first
        // API call, without creating a store this chunk may never use.
        if let missing = ConnectionLoader.certainlyMissing() {
            return (Backend.offline(reason: missing.message), missing)
        }
        do {
            return (try await choice.connect(), nil)
        } catch {
            // The reason is one line: the offline error adds its own hint.
            return (Backend.offline(reason: (error as? DeskError)?.message ?? "\(error)"), error)
        }
    }

    /// The session the code runs in: the gate's settings from the options,
    /// the audit context, the audit log, the journal.
    private func makeSession(policy: Policy, backend: Backend, runId: String, sha: String) throws -> Session {
        var recipe = SessionRecipe(client: backend.client, policy: policy)
        recipe.settings.dryRun = options.dryRun
        recipe.settings.maxCalls = options.maxCalls
        recipe.settings.maxDestructive = options.maxDestructive
        recipe.settings.allowUnbounded = options.allowUnbounded
        recipe.settings.confirm = confirmation()
        recipe.settings.maxWrites = options.maxWrites ?? policy.maxWrites
        recipe.settings.confirmWrites = writesConfirmation()
        recipe.settings.auditContext = AuditContext.base(runId: runId, backend: backend)
        recipe.settings.recordBeforeValues = !options.noUndo
        if case .file(let path) = source {
            recipe.runbook = path
            recipe.settings.auditContext["runbook"] = .string(path)
            recipe.settings.auditContext["sha256"] = .string(sha)
            if options.resume != nil || !options.dryRun {
                recipe.journal = try Journal(path: Journal.defaultPath(), runId: runId, resuming: options.resume != nil)
            }
        } else if !options.dryRun {
            // An eval's writes are journalled too, so `zdsh undo` can revert them (Runner+EvalRun.swift).
            recipe.journal = try Journal(path: Journal.defaultPath(), runId: runId, resuming: false)
        }
        recipe.filesDirs = options.filesDirs
        recipe.limits = options.limits
        // Rehearsals on the simulator keep their own log, apart from production's.
        recipe.audit = try AuditLog(path: options.auditPath ?? (backend.simulator != nil ? AuditLog.simulatorPath() : AuditLog.defaultPath()))
        // Under --json stdout carries only the document: print goes to stderr.
        let output: @Sendable (String) -> Void = options.json ? RunbookOutput.writeAside : RunbookOutput.write
        let rawOutput: @Sendable ([UInt8]) -> Void = options.json ? RunbookOutput.writeAside(bytes:) : RunbookOutput.write(bytes:)
        recipe.output = output
        recipe.rawOutput = rawOutput
        return try Session(recipe)
    }

    /// A file's top level runs once: a runbook answers its metadata (its
    /// main then runs with checked parameters); a plain script has just run
    /// for real, and its results are the run's results.
    private func runFile(_ path: String, _ run: Prepared) throws -> Outcome {
        let loader = RunbookLoader(source: run.code, session: run.session)
        let spec: RunbookSpec
        switch try loader.describe() {
        case .failed(let e): return Outcome(result: .failure(e))
        case .plain(let values):
            if !options.parameters.isEmpty { throw UsageError("\(path) is not a runbook, so it takes no --param") }
            return Outcome(result: .success(values))
        case .runbook(let s): spec = s
        }
        if let deferred = run.deferred { throw deferred }
        let params = try loader.declare(spec, parameters: .strings(options.parameters))
        if let resumed = run.resumed, resumed.parameters != params {
            throw UsageError("run \(run.runId) ran with parameters \(Terminal.visible(resumed.parameters.encoded())), not \(Terminal.visible(params.encoded())); nothing was sent")
        }
        if !options.dryRun, let refusal = try confirmDeclared(loader, spec: spec, path: path, parameters: params, run) {
            err(refusal)
            return Outcome(result: .success([]), parameters: params, isRunbook: true, refused: .denied)
        }
        if !options.dryRun { err("zdsh: run \(run.runId)\(options.resume != nil ? " (resuming)" : "")") }
        try run.registry?.start(id: run.runId, runbook: absolute(path), sha256: run.sha, parameters: params,
                                profile: run.backend.profile, org: run.backend.orgId, simulator: run.backend.simulator != nil,
                                dryRun: options.dryRun)
        let signals = SignalWatch(host: run.session.host)
        let result = loader.run(parameters: params)
        return Outcome(result: result, parameters: params, interruptedBy: signals.stop(), isRunbook: true)
    }

    /// The check before a runbook's first call: everything it declares is
    /// granted, and the operator confirms the whole picture once (or passed
    /// --yes). Returns the refusal, or nil to go on.
    private func confirmDeclared(_ loader: RunbookLoader, spec: RunbookSpec, path: String, parameters: JSON, _ run: Prepared) throws -> String? {
        let gate = run.session.gate
        let preflight = Preflight(runbookName: spec.name, runbookPath: absolute(path), sha256: run.sha, parameters: parameters,
                                  declared: gate.policy.declared ?? [], policy: gate.policy, target: target(run.backend),
                                  settings: gate.settings, optional: spec.optional)
        return try loader.preflight(preflight, runbook: path) { ops in
            if options.yes { return nil }
            guard options.interactive else {
                let what = ops.isEmpty ? "" : " \(ops.map(\.display).joined(separator: ", "))"
                let writes = preflight.writesNeedConfirmation ? "writes with no write cap of \(CallGate.Settings.writeConfirmationThreshold) or less" : ""
                return "zdsh: refusing to start \(Terminal.visible(path)): it declares\(what)\(!what.isEmpty && !writes.isEmpty ? " and " : " ")\(writes), which need confirmation, and there is no terminal to confirm on; pass --yes\(writes.isEmpty ? "" : " (or --max-writes N, N ≤ \(CallGate.Settings.writeConfirmationThreshold))"). Nothing was sent."
            }
            // Confirmed with the whole picture: no second prompt for these.
            return TerminalPrompt.yesNo(preflight.picture(ops) + "\nProceed? [y/N] ") ? nil : "zdsh: not confirmed; nothing was sent."
        }
    }

    private func target(_ backend: Backend) -> PlanTarget {
        PlanTarget(simulator: backend.simulator != nil, fixture: options.backendChoice.fixture.map(absolute), profile: backend.profile, org: backend.orgId)
    }

    /// Shows the result (values, or the error) and answers the status so far.
    private func show(_ result: Result<[RunValue], LuaError>, within budget: OutputBudget) -> ExitStatus {
        switch result {
        case .success(let values):
            return printValues(values, within: budget) ? .limit : .ok
        case .failure(let e):
            let status = ExitStatus.of(e, denied: 0)
            // The error is output too: cut to what the run may still write,
            // shared by every place it goes (the report, and under --json
            // the document and its line on stderr).
            var errorBudget = ErrorBudget(budget, copies: options.json ? 3 : 1)
            let shown = errorBudget.bound(e)
            Terminal.report(shown, verbose: options.backendChoice.verbose)
            report.error = ErrorDocument.from(shown, code: status)
            return status
        }
    }

    /// A dry run's plan: rendered on stderr, in the JSON report, and saved
    /// signed when --plan-out names a file (and `save`: not when the run
    /// stopped on arguments a call would be refused for).
    private func writePlan(_ run: Prepared, parameters: JSON, calls: [CallRecord], save: Bool = true) throws {
        var runbookPath: String?
        if case .file(let p) = source { runbookPath = absolute(p) }
        var plan = Plan(id: run.runId, runbook: runbookPath, sha256: run.sha, parameters: parameters, target: target(run.backend),
                        calls: calls.filter { $0.outcome == .planned })
        plan.simUnmodelled = run.backend.watch?.entries ?? []
        err(plan.render())
        if let warning = UndoCoverage.warning(plan.calls) { err(warning) }
        report.plan = plan.json
        if let out = options.planOut, !save {
            err("zdsh: plan not saved to \(out): the dry run stopped at a call whose arguments would be refused")
        } else if let out = options.planOut {
            let signed = try PlanSignature.sign(plan.json)
            try Data((signed.encoded(.pretty) + "\n").utf8).write(to: URL(fileURLWithPath: out))
            err("zdsh: plan saved to \(out) — apply it with: zdsh apply \(out)")
        }
    }

    /// Lists the calls the policy denied; a run with denials ends denied.
    private func reportDenied(_ calls: [CallRecord], status: ExitStatus, runId: String?) -> ExitStatus {
        let denied = calls.filter { $0.outcome == .denied }
        guard !denied.isEmpty else { return status }
        err("zdsh: \(denied.count) call\(denied.count == 1 ? " was" : "s were") denied by policy:")
        for d in denied.prefix(20) {
            err("  \(d.calledAs) \(d.ids.prefix(10).map { Terminal.visible($0) }.joined(separator: ", ")) — \(Terminal.visible(d.message ?? ""))")
        }
        // A runbook stopped by a grant it lacked (an optional operation its
        // parameters reached) finishes with the same run once granted.
        let grants = Self.missingGrants(denied)
        if !options.dryRun, !grants.isEmpty, let runId {
            err("zdsh: to finish the job once allowed: \(Self.resumeCommand(runId, arguments: CommandLine.arguments + grants))")
        }
        if report.error?.code != .denied { report.error = ErrorDocument.denied(denied) }
        return status == .ok || status == .luaError ? .denied : status
    }

    /// Says once what the simulator did not model (after the summary line, and as
    /// `summary.sim_unmodelled`); under --strict-sim that fails the run (exit 5).
    private func reportUnmodelled(_ watch: SimUnmodelledWatch?, status: ExitStatus) -> ExitStatus {
        guard let entries = watch?.entries, !entries.isEmpty else { return status }
        let lines = SimUnmodelledWatch.describe(entries)
        err("zdsh: the simulator did not model \(entries.count) operation\(entries.count == 1 ? "" : "s") (their answers were made up):")
        for line in lines.prefix(50) { err("  " + line) }
        if case .object(var o)? = report.summary {
            o["sim_unmodelled"] = SimUnmodelledWatch.json(entries)
            report.summary = .object(o)
        }
        guard options.strictSim, status == .ok || status == .luaError else { return status }
        var e = ErrorDocument(code: .apiError, message: "--strict-sim: the simulator did not model " + lines.joined(separator: "; "))
        e.errorCode = SimUnmodelledWatch.errorCode
        if status == .ok || report.error?.errorCode != SimUnmodelledWatch.errorCode { report.error = e }
        if status == .ok { err("zdsh: \(e.message)") }
        return .apiError
    }

    /// The summary line (and the JSON report's summary); answers the line.
    /// zdsh's own files that could not be written, said once each; a call
    /// held back for it makes the run's status 7.
    private func reportLocalState(_ gate: CallGate, status: ExitStatus) -> ExitStatus {
        for failure in gate.stateFailures { err("zdsh: \(failure)") }
        return gate.stoppedForLocalState ? .stateUnwritable : status
    }

    private func summarize(_ calls: [CallRecord], runId: String?, seconds: Double) -> String {
        let denied = calls.filter { $0.outcome == .denied }.count
        // What went (or was planned), each kind of the rest counted apart: a
        // call a resumed run skipped, one refused for its arguments, one that
        // passed the gate but never left (its run ended first, or there was no
        // way to Zoho) is no call sent, no write and no deletion.
        let counted = calls.filter(\.went)
        let writes = counted.filter { $0.safety == .write }.count
        let destructive = counted.filter { $0.safety == .destructive }.count
        let notify = counted.filter(\.notifies).count
        let unsent = calls.filter(\.notSent).count
        let skipped = calls.filter(\.skippedOnResume).count
        let invalid = calls.filter { $0.outcome == .invalid }.count
        let partial = calls.compactMap(\.outcomes).filter(\.isPartial)
        var partialNote = partial.isEmpty ? "" : ", \(partial.count) partly failed (\(partial.reduce(0) { $0 + $1.failed.count }) ids)"
        if invalid > 0 { partialNote += ", \(invalid) refused for their arguments" }
        if skipped > 0 { partialNote += ", \(skipped) skipped (done before the resume)" }
        if unsent > 0 { partialNote += ", \(unsent) not sent" }
        let summary = String(format: "%d call%@ (%d write%@, %@%d destructive, %d denied%@%@) in %.2fs",
                             counted.count, counted.count == 1 ? "" : "s", writes, writes == 1 ? "" : "s",
                             notify > 0 ? "\(notify) notify, " : "", destructive, denied,
                             partialNote, options.dryRun ? ", dry run" : "", seconds)
        err("zdsh: " + summary)
        var json = RunReport.summary(runId: runId, calls: counted.count, writes: writes, destructive: destructive,
                                     denied: denied, partlyFailed: partial.count, dryRun: options.dryRun, seconds: seconds, notify: notify)
        if case .object(var o) = json {
            o["skipped"] = .int(Int64(skipped)); o["not_sent"] = .int(Int64(unsent)); o["invalid"] = .int(Int64(invalid))
            json = .object(o)
        }
        report.summary = json
        return summary
    }

    /// A run stopped by SIGINT/SIGTERM: what was left in flight, how to
    /// finish the job, and the signal's status.
    private func interrupted(by signo: Int32, _ run: Prepared, calls: [CallRecord], summary: String) async -> ExitStatus {
        let unknown = calls.filter(\.inFlight)
        err("zdsh: interrupted by \(signo == SIGTERM ? "SIGTERM" : "SIGINT"); \(unknown.isEmpty ? "no call was left in flight" : "\(unknown.count) call\(unknown.count == 1 ? " was" : "s were") in flight, outcome unknown:")")
        for u in unknown.prefix(20) {
            err("  \(u.calledAs) \(u.method) \(Terminal.visible(u.path))")
        }
        if !options.dryRun, case .file = source {
            err("zdsh: to finish the job: \(Self.resumeCommand(run.runId))")
        }
        await run.registry?.finish(id: run.runId, state: .interrupted, summary: summary)
        await registerEval(run, calls: calls, state: .interrupted, summary: summary)
        return signo == SIGTERM ? .terminated : .interrupted
    }

    /// Prints the chunk's results within what is left of the run's limits:
    /// showing them is part of the run, so a huge value is cut at
    /// --max-output (with a marker) and at the deadline. Returns whether a
    /// limit cut it short (the run then ends with the limit status).
    private func printValues(_ values: [RunValue], within budget: OutputBudget) -> Bool {
        guard !values.isEmpty else { return false }
        if options.json {
            report.values = values
            report.budget = budget
            return false
        }
        var text = BoundedText(budget)
        for (n, v) in values.enumerated() {
            if n > 0 { text.append("\n") }
            switch v {
            case .json(let j): ResultPrinter.format(j, as: options.output, onTerminal: RunbookOutput.stdoutIsTerminal, into: &text)
            case .opaque(let d): text.append(d)
            }
        }
        guard let marker = text.marker, let message = text.limitMessage, let kind = text.stop else {
            Pager.write(RunbookOutput.forStdout(text.text) + "\n") { out(String($0.dropLast())) }
            return false
        }
        out(RunbookOutput.forStdout(text.text) + "\n" + marker)
        Terminal.report(.limit(kind, message))
        return true
    }

    /// The `--allow` flags the denied calls' messages name, once each.
    static func missingGrants(_ denied: [CallRecord]) -> [String] {
        var flags: [String] = []
        for d in denied {
            guard let message = d.message, let r = message.range(of: "to allow: --allow ") else { continue }
            let grant = message[r.upperBound...].split(separator: " ").first.map(String.init) ?? ""
            if !grant.isEmpty, !flags.contains(grant) { flags.append(grant) }
        }
        return flags.flatMap { ["--allow", $0] }
    }

    /// The question at the write that takes a run past the write
    /// threshold: a y/N prompt on a terminal; without one (and without
    /// --yes) that call is refused. A dry run sends no write, so asks nothing.
    func writesConfirmation() -> (@Sendable (String) -> Bool)? {
        if options.yes || options.dryRun { return nil }
        guard options.interactive else {
            return { text in
                Terminal.error("zdsh: refusing: \(text); there is no terminal to confirm on, so pass --yes (with --max-writes N to cap the records)")
                return false
            }
        }
        return { text in TerminalPrompt.yesNo("About to write past \(CallGate.Settings.writeConfirmationThreshold) records: \(text).\nProceed? [y/N] ") }
    }

    /// The confirmation before the first destructive call of an operation
    /// not confirmed before the run: a y/N prompt on a terminal; without one
    /// (and without --yes) such calls are refused.
    func confirmation() -> (@Sendable (PreparedCall) -> Bool)? {
        if options.yes || options.dryRun { return nil }
        if !options.interactive {
            return { call in
                Terminal.error("zdsh: refusing \(call.calledAs): destructive calls need confirmation; there is no terminal to ask on, so pass --yes")
                return false
            }
        }
        let cap = options.maxDestructive
        return { call in
            let ids = call.ids.prefix(10).map { Terminal.visible($0) }.joined(separator: ", ")
            let path = Terminal.visible(concretePath(call.operation.path, call.path))
            return TerminalPrompt.yesNo("About to call \(call.calledAs) [\(call.operation.method) \(path)]\(ids.isEmpty ? "" : " on \(ids)").\nThis run may affect up to \(cap) records with destructive calls. Proceed? [y/N] ")
        }
    }

    /// `--resume ID` fails closed: an unknown id, a finished or dry run, a
    /// changed runbook or another target is refused before anything is sent.
    static func checkResumable(_ id: String, registry: RunRegistry, sha: String, backend: Backend, simulator: Bool) throws -> RunRegistry.Run {
        guard let run = try registry.run(id: id) else {
            throw UsageError("no run \(Terminal.visible(id)) to resume (zdsh runs lists them); nothing was sent")
        }
        if let planned = run.plannedRun {
            throw UsageError("run \(id) applied the plan of run \(planned); apply that plan again (zdsh apply PLAN) to resume it; nothing was sent")
        }
        switch run.state {
        case .complete: throw UsageError("run \(id) completed; there is nothing to resume")
        case .dryRun: throw UsageError("run \(id) was a dry run; it sent nothing to resume (apply its plan, or run without --resume)")
        default: break
        }
        if run.sha256 != sha {
            throw UsageError("run \(id) ran a different version of this runbook (sha256 \(run.sha256.prefix(12))… ≠ \(sha.prefix(12))…); nothing was sent")
        }
        if run.simulator != (backend.simulator != nil) || run.profile != backend.profile || (run.org != nil && backend.orgId != nil && run.org != backend.orgId) {
            let was = run.simulator ? "the simulator" : "profile \(run.profile)\(run.org.map { ", org \($0)" } ?? "")"
            throw UsageError("run \(id) ran against \(was), not \(backend.simulator != nil ? "the simulator" : "profile \(backend.profile)\(backend.orgId.map { ", org \($0)" } ?? "")"); nothing was sent")
        }
        return run
    }

    /// The command that resumes this run: the same arguments, with --resume.
    static func resumeCommand(_ runId: String, arguments: [String] = CommandLine.arguments) -> String {
        var args: [String] = []
        var skip = false
        for a in arguments {
            if skip { skip = false; continue }
            if a == "--resume" { skip = true; continue }
            if a.hasPrefix("--resume=") { continue }
            args.append(a)
        }
        args += ["--resume", runId]
        return args.map(shellQuoted).joined(separator: " ")
    }

    static func shellQuoted(_ s: String) -> String {
        if !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0)) }) { return s }
        return "'" + Terminal.visible(s).replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    package static func newRunId() -> String {
        UTCTimestamp.compact() + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }
}

package enum Runbook {
    /// The sha256 of a runbook's bytes (plans and resumed runs compare it).
    package static func sha<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 { RunbookSpec.sha256(bytes) }
}
