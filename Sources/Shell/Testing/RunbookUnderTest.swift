import Foundation
import JSONValue
import LuaHost

/// `runbook.run(path, params, opts)` from a scenario: the runbook runs in its
/// own session (a new Lua state) against the scenario's backend, with its own
/// policy — declared ∩ granted, exactly as `zdsh run` applies it — and the
/// scenario gets back `{ok, value, error, denied, exit, calls}`.
struct RunbookUnderTest {
    struct Options {
        var allow: [String] = []
        var deny: [String] = []
        var dryRun = false
        var yes = false
        var maxDestructive: Int?
        var maxCalls: Int?
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
        let data: Data
        do {
            guard let d = try files.read(path) else { return (failure("cannot read runbook \(path)", exit: .usage), []) }
            data = d
        } catch let refusal as ConfinedFiles.Refusal {
            return (failure("cannot read runbook \(path): \(refusal.reason)", exit: .usage), [])
        } catch {
            return (failure("cannot read runbook \(path): \(error)", exit: .usage), [])
        }
        let source = LuaSource(data, name: "@\(path)")
        let policy: Policy
        do {
            policy = try Policy.fromCommandLine(allow: options.allow, deny: options.deny, file: nil,
                                                allowAllDestructive: options.allowAllDestructive)
        } catch {
            return (failure("\(error)", exit: .usage), [])
        }
        var settings = CallGate.Settings()
        settings.dryRun = options.dryRun
        if let m = options.maxDestructive { settings.maxDestructive = m }
        settings.maxCalls = options.maxCalls
        settings.allowUnbounded = options.allowUnbounded
        // No terminal here: without `yes`, the confirmation prompt says no.
        if !options.yes { settings.confirm = { @Sendable _ in false } }
        settings.auditContext = ["runbook": .string(path), "sha256": .string(RunbookSpec.sha256(source.bytes))]

        let session: Session
        do {
            session = try Session(client: backend.makeClient(), policy: policy, settings: settings, limits: limits,
                                  modulePaths: [ScenarioDiscovery.folder(of: path)], output: output)
        } catch {
            return (failure("\(error)", exit: .luaError), [])
        }
        defer { session.host.close() }
        session.gate.uploadRoots = [ScenarioDiscovery.folder(of: path)]

        let spec: RunbookSpec
        session.gate.settings.refuseMutations = "a runbook's top level may only read; make changes in its main function"
        switch session.run(RunbookSpec.describe(source)) {
        case .success(let values):
            guard case .json(let j)? = values.first, let s = try? RunbookSpec(json: j) else {
                return (failure("\(path): not a runbook", exit: .luaError), [])
            }
            spec = s
        case .failure(let e):
            return (failure(e.description, exit: .luaError), [])
        }
        session.gate.settings.refuseMutations = nil
        do {
            session.gate.policy.declared = try spec.destructive.map(Policy.Pattern.init)
        } catch {
            return (failure("\(path): \(error)", exit: .usage), [])
        }
        let converted: JSON
        do { converted = try spec.convert(json: params) } catch {
            return (failure("\(error)", exit: .usage), [])
        }

        // The same check as `zdsh run` before the first call: everything
        // declared is granted, and there is a way to confirm.
        if !options.dryRun, let declared = session.gate.policy.declared, !declared.isEmpty {
            let preflight = Preflight(runbookName: spec.name, runbookPath: path, sha256: RunbookSpec.sha256(source.bytes),
                                      parameters: converted, declared: declared, policy: session.gate.policy,
                                      target: PlanTarget(simulator: true, fixture: nil, profile: "sim", org: nil),
                                      settings: session.gate.settings)
            do {
                let ops = try preflight.operations()
                if let refusal = Preflight.refusalMessage(ops, runbook: path) { return (failure(refusal, exit: .denied), []) }
                guard options.yes else {
                    return (failure("refusing to start \(path): it declares destructive operations and there is no terminal to confirm on; pass yes = true", exit: .denied), [])
                }
                session.gate.markConfirmed(ops.map(\.key))
            } catch {
                return (failure("\(error)", exit: .usage), [])
            }
        }

        let outcome = session.run(RunbookSpec.run(source, parameters: converted))
        let calls = session.gate.calls
        var r: [String: JSON] = ["denied": .int(Int64(session.gate.deniedCount)),
                                 "calls": .array(calls.map(\.json))]
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
        return (.object(r), calls)
    }

    private func failure(_ message: String, exit: ExitStatus) -> JSON {
        ["ok": false, "error": .string(message), "denied": 0, "exit": .int(Int64(exit.rawValue)), "calls": .array([])]
    }

}

extension RunbookSpec {
    /// Checks and converts parameters given as a Lua table: typed values are
    /// taken as they are, strings go through the same rules as `--param`.
    /// Unknown names and missing required ones are usage errors.
    func convert(json given: JSON) throws -> JSON {
        let values = (given.objectValue ?? [:]).filter { !$0.value.isNull }
        for key in values.keys.sorted() where !parameters.contains(where: { $0.name == key }) {
            let known = parameters.map(\.name).joined(separator: ", ")
            throw UsageError("unknown parameter '\(key)' (this runbook takes: \(known.isEmpty ? "none" : known))")
        }
        var strings: [String: String] = [:]
        var typed: [String: JSON] = [:]
        for (k, v) in values {
            let type = parameters.first { $0.name == k }?.type ?? "string"
            switch (type, v) {
            case ("list", .object(let o)) where o.isEmpty:
                typed[k] = .array([])  // an empty Lua table
            case ("list", .array), ("integer", .int), ("number", .int), ("number", .double), ("boolean", .bool):
                typed[k] = v
            case ("number", _), ("integer", _), ("boolean", _), ("list", _), ("id", _), ("string", _):
                switch v {
                case .string(let s): strings[k] = s
                case .int(let i): strings[k] = String(i)
                case .double(let d): strings[k] = String(d)
                case .bool(let b): strings[k] = String(b)
                default: throw UsageError("parameter '\(k)': \(type) expected, got \(v.typeName)")
                }
            default:
                strings[k] = v.stringValue ?? v.encoded()
            }
        }
        // Typed values pass the `--param` checks as their string form; the
        // typed value then replaces the converted one.
        var all = strings
        for (k, v) in typed { all[k] = v.stringValue ?? v.encoded() }
        guard case .object(var out) = try convert(all) else { return .object([:]) }
        for (k, v) in typed { out[k] = v }
        return .object(out)
    }
}
