import DeskGate
import Foundation
import JSONValue
import LuaHost
import Runbooks
import ShellCore

/// `runbook.run(path, params, opts)` from a scenario: the runbook runs in its
/// own session (a new Lua state) against the scenario's backend, with its own
/// policy — declared ∩ granted, exactly as `zdsh run` applies it — and the
/// scenario gets back `{ok, value, error, denied, exit, calls}`.
package struct RunbookUnderTest {
    struct Options {
        var allow: [String] = []
        var deny: [String] = []
        var dryRun = false
        var yes = false
        var maxDestructive: Int?
        var maxCalls: Int?
        var maxWrites: Int?
        var allowAllDestructive = false
        var allowUnbounded = false

        init(_ json: JSON) throws {
            func list(_ key: String) throws -> [String] {
                guard let v = json[key], !v.isNull else { return [] }
                if let s = v.stringValue { return [s] }
                guard let items = v.arrayValue else { throw HostError("runbook.run: '\(key)' must be a list of operation patterns") }
                if items.isEmpty, v.objectValue != nil { return [] }
                return try items.map {
                    guard let s = $0.stringValue else { throw HostError("runbook.run: '\(key)' must list strings") }
                    return s
                }
            }
            allow = try list("allow")
            deny = try list("deny")
            dryRun = json["dry_run"]?.boolValue ?? false
            yes = json["yes"]?.boolValue ?? false
            maxDestructive = json["max_destructive"]?.intValue.map(Int.init)
            maxCalls = json["max_calls"]?.intValue.map(Int.init)
            maxWrites = json["max_writes"]?.intValue.map(Int.init)
            allowAllDestructive = json["allow_all_destructive"]?.boolValue ?? false
            allowUnbounded = json["allow_unbounded"]?.boolValue ?? false
        }
    }

    let path: String
    /// The scenario's test folder: the runbook file must lie inside it.
    let files: ConfinedFiles
    let params: JSON
    let options: Options
    let backend: ScenarioBackend
    let limits: Limits
    let output: (String) -> Void

    /// The result table and the records of every call the runbook attempted.
    func run() -> (result: JSON, calls: [CallRecord]) {
        let session: Session
        let loader: RunbookLoader
        do {
            let source = try read()
            session = try makeSession(sha: RunbookSpec.sha256(source.bytes))
            loader = RunbookLoader(source: source, session: session)
        } catch let early as EarlyFailure {
            return (failure(early.message, exit: early.exit), [])
        } catch {
            return (failure("\(error)", exit: .luaError), [])
        }
        defer { session.host.close() }
        let converted: JSON
        do {
            converted = try prepare(loader)
        } catch let early as EarlyFailure {
            return (failure(early.message, exit: early.exit), [])
        } catch {
            return (failure("\(error)", exit: .usage), [])
        }
        return (result(of: loader.run(parameters: converted), in: session), session.gate.calls)
    }

    /// Why the runbook never started, and the exit status that says so.
    private struct EarlyFailure: Error {
        let message: String
        let exit: ExitStatus
    }

    /// The runbook's bytes, from inside the scenario's folder only.
    private func read() throws -> LuaSource {
        do {
            guard let data = try files.read(path) else { throw EarlyFailure(message: "cannot read runbook \(path)", exit: .usage) }
            return LuaSource(data, name: "@\(path)")
        } catch let refusal as ConfinedFiles.Refusal {
            throw EarlyFailure(message: "cannot read runbook \(path): \(refusal.reason)", exit: .usage)
        } catch let early as EarlyFailure {
            throw early
        } catch {
            throw EarlyFailure(message: "cannot read runbook \(path): \(error)", exit: .usage)
        }
    }

    /// A session on the scenario's backend with the options' grants and caps.
    private func makeSession(sha: String) throws -> Session {
        let policy: Policy
        do {
            policy = try Policy.fromCommandLine(allow: options.allow, deny: options.deny, file: nil,
                                                allowAllDestructive: options.allowAllDestructive)
        } catch {
            throw EarlyFailure(message: "\(error)", exit: .usage)
        }
        var recipe = SessionRecipe(client: backend.makeClient(), policy: policy)
        recipe.settings.dryRun = options.dryRun
        if let m = options.maxDestructive { recipe.settings.maxDestructive = m }
        recipe.settings.maxCalls = options.maxCalls
        recipe.settings.maxWrites = options.maxWrites
        recipe.settings.allowUnbounded = options.allowUnbounded
        // No terminal here: without `yes`, the confirmation prompt says no.
        if !options.yes { recipe.settings.confirm = { @Sendable _ in false } }
        recipe.settings.auditContext = ["runbook": .string(path), "sha256": .string(sha)]
        recipe.runbook = path
        recipe.limits = limits
        recipe.output = output
        return try Session(recipe)
    }

    /// describe → declare → the check before the first call, as `zdsh run`
    /// does them; answers the converted parameters.
    private func prepare(_ loader: RunbookLoader) throws -> JSON {
        let spec: RunbookSpec
        let described: RunbookLoader.TopLevel
        do { described = try loader.describe(holdAnyFileToReads: true) } catch {
            throw EarlyFailure(message: "\(path): not a runbook", exit: .luaError)
        }
        switch described {
        case .runbook(let s): spec = s
        case .plain: throw EarlyFailure(message: "\(path): not a runbook", exit: .luaError)
        case .failed(let e): throw EarlyFailure(message: e.description, exit: .luaError)
        }
        let converted = try loader.declare(spec, parameters: .table(params))
        guard !options.dryRun else { return converted }
        let gate = loader.session.gate
        let preflight = Preflight(runbookName: spec.name, runbookPath: path, sha256: RunbookSpec.sha256(loader.source.bytes),
                                  parameters: converted, declared: gate.policy.declared ?? [], policy: gate.policy,
                                  target: PlanTarget(simulator: true, fixture: nil, profile: "sim", org: nil),
                                  settings: gate.settings, optional: spec.optional)
        let refusal = try loader.preflight(preflight, runbook: path) { _ in
            options.yes ? nil : "refusing to start \(path): it declares operations or writes that need confirmation and there is no terminal to confirm on; pass yes = true (or max_writes ≤ \(CallGate.Settings.writeConfirmationThreshold) for writes)"
        }
        if let refusal { throw EarlyFailure(message: refusal, exit: .denied) }
        return converted
    }

    /// The result table of a runbook that ran.
    private func result(of outcome: Result<[RunValue], LuaError>, in session: Session) -> JSON {
        var r: [String: JSON] = ["denied": .int(Int64(session.gate.deniedCount)),
                                 "calls": .array(session.gate.calls.map(\.json))]
        switch outcome {
        case .success(let values):
            r["ok"] = .bool(true)
            r["exit"] = .int(Int64(ExitStatus.of(nil, denied: session.gate.deniedCount).rawValue))
            if case .json(let v)? = values.first { r["value"] = v }
        case .failure(let e):
            r["ok"] = .bool(false)
            r["exit"] = .int(Int64(ExitStatus.of(e, denied: session.gate.deniedCount).rawValue))
            switch e {
            case .runtime(_, _, .object(let v)), .runtime(_, _, .table(let v)): r["error"] = v
            default: r["error"] = .string(e.description)
            }
        }
        return .object(r)
    }

    private func failure(_ message: String, exit: ExitStatus) -> JSON {
        ["ok": false, "error": .string(message), "denied": 0, "exit": .int(Int64(exit.rawValue)), "calls": .array([])]
    }
}
