import DeskCore
import DeskGate
import Foundation
import JSONValue
import LuaHost
import Runbooks
import ShellCore

/// One Lua run for an assistant: a chunk (`run_lua`, `query`) or a runbook
/// (`run_runbook`), in a fresh sandbox on the session's connection, with the
/// session's grants and shared caps. Reads are executed; every write is
/// recorded as a plan, never sent from Lua — sending is apply's job, under
/// the session's apply lock, after the confirmation the operator asked for,
/// so nothing is left half applied by a refusal halfway through the code.
/// A query refuses writes outright.
struct SandboxRun {
    enum Source: Sendable {
        case chunk([UInt8])
        /// A runbook file and its parameters as `--param` strings.
        case runbook(path: String, parameters: [String: String])
    }

    enum Mode: Sendable {
        /// Writes are refused at the gate (the `query` tool).
        case query
        /// Writes become a plan.
        case plan
    }

    struct Outcome: Sendable {
        var runId: String
        var values: [JSON] = []
        var error: String?
        var status: ExitStatus = .ok
        var output = ""
        var calls: [CallRecord] = []
        var plan: Plan?
        var seconds: Double = 0
    }

    let target: DeskTarget
    let ledger: SessionLedger
    let source: Source
    let mode: Mode
    /// Fields for every audit record of the run (who asked, the code's hash).
    var auditExtra: [String: JSON] = [:]

    /// Runs on a thread of its own; a cancellation interrupts the Lua host.
    func execute(handle: RunHandle, runs: ActiveRuns) async -> Outcome {
        let run = self
        runs.add(handle)
        defer { runs.remove(handle) }
        return await withTaskCancellationHandler {
            // executeBlocking never throws: its failures are in the outcome.
            (try? await OffPool.run(name: "zdsh.mcp.run") { run.executeBlocking(handle) }) ?? Outcome(runId: DeskTarget.newRunId())
        } onCancel: {
            handle.interrupt()
        }
    }

    private func executeBlocking(_ handle: RunHandle) -> Outcome {
        let started = Date()
        var outcome = Outcome(runId: DeskTarget.newRunId())
        let output = OutputCollector()
        do {
            let session = try makeSession(runId: outcome.runId, output: output)
            handle.attach(session)
            defer { handle.detach() }
            try runSource(in: session, outcome: &outcome)
            outcome.calls = session.gate.calls
            let denied = outcome.calls.filter { $0.outcome == .denied }.count
            if denied > 0 && (outcome.status == .ok || outcome.status == .luaError) { outcome.status = .denied }
            if mode == .plan { try savePlan(&outcome) }
        } catch {
            outcome.error = "\(error)"
            outcome.status = error is UsageError || error is PolicyError ? .usage : .luaError
        }
        if handle.wasInterrupted && outcome.status != .ok {
            outcome.status = .interrupted
            outcome.error = "the run was stopped: the request was cancelled or the client went away"
        }
        outcome.output = output.text
        outcome.seconds = Date().timeIntervalSince(started)
        return outcome
    }

    private var mutationRefusal: (why: String, remedy: String)? {
        if target.configuration.readOnly {
            return ("this MCP server is read-only: only reads are allowed", "nothing can be changed through this server; tell the user the operator started it with --read-only")
        }
        if mode == .query {
            return ("the query tool only reads", "to change something, make a dry run with run_lua instead")
        }
        return nil
    }

    private func makeSession(runId: String, output: OutputCollector) throws -> Session {
        let configuration = target.configuration
        var recipe = SessionRecipe(client: target.backend.client, policy: target.policy)
        recipe.settings.dryRun = true
        recipe.settings.maxCalls = nil
        recipe.settings.budget = ledger.budget
        recipe.settings.maxDestructive = ledger.budget.remainingDestructive
        recipe.settings.allowUnbounded = configuration.allowUnbounded
        recipe.settings.auditContext = target.auditContext(runId: runId, client: ledger.clientName)
        recipe.settings.auditContext.merge(auditExtra) { _, new in new }
        recipe.settings.refuseMutations = mutationRefusal?.why
        if let remedy = mutationRefusal?.remedy { recipe.settings.refuseMutationsRemedy = remedy }
        recipe.settings.maxWrites = ledger.budget.remainingWrites
        if case .runbook(let path, _) = source { recipe.runbook = path }
        recipe.audit = target.audit
        recipe.limits = configuration.limits
        recipe.output = { output.append($0) }
        recipe.rawOutput = { output.append(bytes: $0) }
        return try Session(recipe)
    }

    private func runSource(in session: Session, outcome: inout Outcome) throws {
        switch source {
        case .chunk(let bytes):
            finish(session.run(LuaSource(bytes: bytes, name: "=mcp")), into: &outcome, session: session)
        case .runbook(let path, let raw):
            try runRunbook(path: path, raw: raw, in: session, outcome: &outcome)
        }
    }

    /// As `zdsh run` does: the top level may only read and answers the
    /// metadata; the parameters are checked; the declarations narrow the
    /// grants; then main runs.
    private func runRunbook(path: String, raw: [String: String], in session: Session, outcome: inout Outcome) throws {
        let loader = RunbookLoader(source: try RunbookLoader.read(path), session: session)
        let spec: RunbookSpec
        switch try loader.describe() {
        case .failed(let e): finish(.failure(e), into: &outcome, session: session); return
        case .plain: throw UsageError("\(path) is not a runbook (it must return runbook{ … })")
        case .runbook(let s): spec = s
        }
        let sha = RunbookSpec.sha256(loader.source.bytes)
        let parameters = try loader.declare(spec, parameters: .strings(raw),
                                            auditFields: ["runbook": .string(path), "sha256": .string(sha)])
        outcome.plan = Plan(id: outcome.runId, runbook: path, sha256: sha, parameters: parameters,
                            target: target.planTarget, calls: [])
        finish(loader.run(parameters: parameters), into: &outcome, session: session)
    }

    private func finish(_ result: Result<[RunValue], LuaError>, into outcome: inout Outcome, session: Session) {
        switch result {
        case .success(let values):
            outcome.values = values.map { v in
                switch v {
                case .json(let j): return j
                case .opaque(let description): return .string(description)
                }
            }
        case .failure(let e):
            // Within what the run may still write: the error goes into the
            // tool result twice (its structured field and its text).
            var budget = ErrorBudget(session.host.resultBudget, copies: 2)
            outcome.error = Self.message(budget.bound(e))
            outcome.status = ExitStatus.of(e, denied: 0)
        }
    }

    static func message(_ e: LuaError) -> String {
        switch e {
        case .syntax(let m): return "syntax error: \(m)"
        case .runtime(let m, let traceback, _): return traceback.isEmpty ? m : "\(m)\n\(traceback)"
        case .limit(let kind, let m): return kind == .host ? m : "sandbox limit (\(kind.rawValue)): \(m)"
        case .host(let m): return "host error: \(m)"
        }
    }

    /// A dry run's writes become a signed plan this session can apply by id.
    private func savePlan(_ outcome: inout Outcome) throws {
        let planned = outcome.calls.filter { $0.outcome == .planned }
        guard !planned.isEmpty else { outcome.plan = nil; return }
        var plan = outcome.plan ?? Plan(id: outcome.runId, runbook: nil, sha256: nil, parameters: .object([:]),
                                        target: target.planTarget, calls: [])
        plan.calls = planned
        let signed = try PlanSignature.sign(plan.json)
        let file = (target.planDirectory as NSString).appendingPathComponent("\(plan.id).json")
        try Data((signed.encoded(.pretty) + "\n").utf8).write(to: URL(fileURLWithPath: file))
        ledger.store(.init(id: plan.id, path: file, planned: planned))
        outcome.plan = plan
    }
}
