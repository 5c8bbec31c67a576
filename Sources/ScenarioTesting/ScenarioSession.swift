import DeskCatalog
import DeskGate
import DeskSim
import Foundation
import JSONValue
import LuaHost
import Runbooks
import ShellCore
import Synchronization

/// One run of a scenario file in a fresh Lua state: the shell session (with
/// its call gate) over the scenario's backend, plus the testing vocabulary
/// from `stdlib/zdsh/` and the host functions behind `sim`, `calls`,
/// `policy`, `runbook.run` and `use_cassette`.
package final class ScenarioSession {
    let file: String
    /// The test folder: runbooks, fixtures and cassettes the scenario names
    /// must really lie inside it.
    let testFolder: String
    let files: ConfinedFiles
    let backend: ScenarioBackend
    let session: Session
    let log = ScenarioCallLog()
    let limits: Limits
    /// `use_cassette` paths seen while running (resolved).
    private(set) var requestedCassette: String?
    /// `sim.options{strict_sim = true}`: an answer the simulator made up fails the scenario.
    var strictSim = false
    private let printed = Mutex("")

    /// Everything the scenario printed.
    var output: String { printed.withLock { $0 } }

    init(file: String, testFolder: String, backend: ScenarioBackend, limits: Limits, stdlib: String) throws {
        self.file = file
        self.testFolder = testFolder
        files = ConfinedFiles(roots: [testFolder])
        self.backend = backend
        self.limits = limits
        var capture: ((String) -> Void)!
        var recipe = SessionRecipe(client: backend.makeClient(), policy: { var p = Policy(); p.grantsEverything = true; return p }())
        recipe.runbook = file
        recipe.limits = limits
        recipe.output = { capture($0) }
        session = try Session(recipe)
        capture = { [weak self] text in
            guard let self else { return }
            self.printed.withLock { $0 += text }
        }
        log.gate = session.gate
        try installVocabulary(stdlib: stdlib)
    }

    deinit { session.host.close() }

    /// Runs the file through the driver: `collect` lists its scenarios,
    /// `run` executes scenario `index` (1-based).
    func drive(mode: String, index: Int = 0) -> Result<[RunValue], LuaError> {
        guard let data = FileManager.default.contents(atPath: file) else {
            return .failure(.host("cannot read \(file)"))
        }
        // The file's bytes, compiled by the host: a syntax error names it.
        return session.run(LuaSource(text: Self.driver, name: "=zdsh:test"), arguments: [
            .chunk(LuaSource(data, name: "@\(file)")), .value(.string(mode)), .value(.int(Int64(index))),
        ])
    }

    static let driver = #"""
    local f, mode, index = ...
    local function top() return f() end
    top()
    if mode == "collect" then return __zdsh_test.list() end
    return __zdsh_test.run(index)
    """#

    /// A path a scenario names for `function`, relative to the scenario
    /// file. Absolute paths are refused, and so is any path that, once links
    /// and `..` are resolved, leads out of the test folder.
    func resolve(_ given: String, for function: String) throws -> String {
        let inside = "name a file inside the test folder '\(testFolder)', relative to the scenario file"
        if given.hasPrefix("/") || given.hasPrefix("~") {
            throw ArgumentError(function: function, position: 1, expected: "'\(given)' is an absolute path; \(inside)")
        }
        let path = (SessionRecipe.folder(of: file) as NSString).appendingPathComponent(given)
        // A file that does not exist yet is judged by its folder.
        let real = ConfinedFiles.realPath(path) ?? ConfinedFiles.realPath((path as NSString).deletingLastPathComponent)
            .map { ($0 as NSString).appendingPathComponent((path as NSString).lastPathComponent) }
        if let real, !files.contains(realPath: real) {
            throw ArgumentError(function: function, position: 1,
                                expected: "'\(given)' leads outside the test folder (through '..' or a symbolic link); \(inside)")
        }
        return path
    }

    /// The contents of a file `resolve` accepted, read without following a
    /// link out of the test folder; `what` names it in errors.
    func read(_ path: String, for function: String, what: String) throws -> Data {
        do {
            guard let data = try files.read(path) else { throw HostError("\(function): no \(what) at \(path)") }
            return data
        } catch let refusal as ConfinedFiles.Refusal {
            throw HostError("\(function): cannot read \(what) \(path): \(refusal.reason)")
        }
    }

    // MARK: - Installing the vocabulary

    private func installVocabulary(stdlib: String) throws {
        func source(_ name: String) throws -> [UInt8] {
            let path = (stdlib as NSString).appendingPathComponent("zdsh/\(name).lua")
            guard let data = FileManager.default.contents(atPath: path) else {
                throw HostError("cannot read \(path) (the zdsh testing library; set ZDSH_STDLIB to the stdlib folder)")
            }
            return [UInt8](data)
        }
        let host = session.host
        let stack: [String: HostFunction] = ["frames": StackFrames.frames, "traceback": StackFrames.traceback]
        try host.install(global: "expect", source: try source("expect"), functions: stack)
        try host.install(global: "__zdsh_test", source: try source("test"), functions: stack)
        try host.install(global: "sim", source: try source("harness"), functions: harnessFunctions())
    }

    /// The functions behind the `sim` testing library.
    private func harnessFunctions() -> [String: HostFunction] {
        simulatorStateFunctions().merging(simulatorFaultFunctions()) { a, _ in a }.merging(scenarioFunctions()) { a, _ in a }
    }

    /// The simulator's state: seeded, loaded from a fixture, reset, and read back.
    private func simulatorStateFunctions() -> [String: HostFunction] {
        [
            "sim_seed": { [unowned self] call in
                try self.sim().seed(try call.json(1))
                return .none
            },
            "sim_load": { [unowned self] call in
                let path = try self.resolve(try call.string(1), for: "sim.load")
                let data = try self.read(path, for: "sim.load", what: "fixture")
                let json: JSON
                do { json = try JSON.parse(Array(data)) } catch { throw HostError("sim.load: fixture \(path) is not valid JSON: \(error)") }
                try self.sim().reset(Fixture(json: json))
                return .none
            },
            "sim_reset": { [unowned self] call in
                let sim = try self.sim()
                if call.isNil(1) { try sim.reset(.demo) } else { try sim.reset(Fixture(json: try call.json(1))) }
                return .none
            },
            "sim_state": { [unowned self] _ in .value(try self.sim().state()) },
            "sim_resource": { [unowned self] call in
                .value(.array(try self.sim().resource(try call.string(1), orgId: try call.optionalString(2))))
            },
            "sim_requests": { [unowned self] _ in
                .value(.array(try self.sim().requestLog.map { e in
                    var o: [String: JSON] = ["method": .string(e.method), "path": .string(e.path), "status": .int(Int64(e.status))]
                    if let op = e.operationId { o["operation"] = .string(op) }
                    return .object(o)
                }))
            },
            "sim_stats": { [unowned self] _ in
                let s = try self.sim().stats
                return .value(["requests": .int(Int64(s.requests)), "credits_used": .int(Int64(s.creditsUsed)),
                               "peak_in_flight": .int(Int64(s.peakInFlight)), "refreshes": .int(Int64(s.refreshes)),
                               "faults_injected": .int(Int64(s.faultsInjected))])
            },
            "sim_org_id": { [unowned self] _ in .value(.string(try self.sim().orgId)) },
            "sim_options": { [unowned self] call in
                let o = try call.json(1)
                for key in o.objectValue?.keys.sorted() ?? [] where key != "strict_sim" {
                    throw HostError("sim.options: unknown option '\(key)' (use strict_sim)")
                }
                if let strict = o["strict_sim"] {
                    guard let b = strict.boolValue else { throw HostError("sim.options: strict_sim must be true or false") }
                    self.strictSim = b
                    self.backend.watch?.strict = b
                }
                return .none
            },
            "sim_unmodelled": { [unowned self] _ in .value(SimUnmodelledWatch.json(self.backend.watch?.entries ?? [])) },
        ]
    }

    /// Faults the simulator injects: failures, dropped connections, expired tokens, latency.
    private func simulatorFaultFunctions() -> [String: HostFunction] {
        [
            "sim_fail": { [unowned self] call in
                let o = try call.json(1)
                guard let given = o["status"]?.intValue else { throw HostError("sim.fail: 'status' (an HTTP status) is required") }
                let status = try Self.bounded(given, "sim.fail", "status", from: 100, upTo: 599)
                let op = try Self.operationId(o["op"] ?? o["operation"])
                let code = o["code"]?.stringValue
                if let p = o["probability"]?.doubleValue {
                    try self.sim().fail(op: op, status: status, probability: try Self.probability(p, "sim.fail"), errorCode: code)
                } else {
                    try self.sim().fail(op: op, status: status, times: try Self.times(o, "sim.fail"), errorCode: code)
                }
                return .none
            },
            "sim_reset_connection": { [unowned self] call in
                let o = try call.json(1)
                let op = try Self.operationId(o["op"] ?? o["operation"])
                if let p = o["probability"]?.doubleValue {
                    try self.sim().resetConnection(op: op, probability: try Self.probability(p, "sim.reset_connection"))
                } else { try self.sim().resetConnection(op: op, times: try Self.times(o, "sim.reset_connection")) }
                return .none
            },
            "sim_expire_token": { [unowned self] call in
                let o = try call.json(1)
                try self.sim().expireToken(op: try Self.operationId(o["op"] ?? o["operation"]), times: try Self.times(o, "sim.expire_token"))
                return .none
            },
            "sim_expire_tokens": { [unowned self] _ in try self.sim().expireTokens(); return .none },
            "sim_latency": { [unowned self] call in
                let ms = try Self.bounded(try call.integer(1), "sim.latency", "ms", upTo: Int64(Latency.maxMs))
                let jitter = try Self.bounded(try call.integer(2), "sim.latency", "jitter", upTo: Int64(Latency.maxMs))
                try self.sim().setLatency(ms: ms, jitterMs: jitter)
                return .none
            },
        ]
    }

    /// The scenario's own view: its calls, its policy, its cassette, runbooks run under test.
    private func scenarioFunctions() -> [String: HostFunction] {
        [
            "calls_all": { [unowned self] _ in .value(.array(self.log.all)) },
            "set_policy": { [unowned self] call in
                try self.setPolicy(try call.json(1))
                return .none
            },
            "use_cassette": { [unowned self] call in
                let path = try self.resolve(try call.string(1), for: "use_cassette")
                if let current = self.backend.cassettePath {
                    guard current == path else { throw HostError("use_cassette: this file already replays \(current)") }
                } else if self.requestedCassette == nil, self.session.gate.calls.isEmpty {
                    // First pass (listing scenarios): remember it; the runner
                    // gives every scenario a replay backend with no simulator.
                    _ = try self.read(path, for: "use_cassette", what: "cassette")
                    self.requestedCassette = path
                } else {
                    throw HostError("use_cassette: call it at the top of the scenario file, before any API call")
                }
                return .none
            },
            "run_runbook": { [unowned self] call in
                let given = try call.string(1)
                let path = try self.resolve(given, for: "runbook.run")
                let params = try call.json(2)
                let options = try RunbookUnderTest.Options(try call.json(3))
                let before = self.session.gate.calls.count
                let (result, records) = RunbookUnderTest(
                    path: path, files: self.files, params: params, options: options, backend: self.backend, limits: self.limits,
                    output: { [weak self] text in
                        guard let self else { return }
                        self.printed.withLock { $0 += text }
                    }).run()
                self.log.add(runbook: "runbook:" + given, records: records, outerCountBefore: before)
                return .value(result)
            },
        ]
    }

    private func sim() throws -> Simulator {
        guard let s = backend.simulator else {
            throw HostError("sim: this scenario replays a cassette (use_cassette), so there is no simulator to control")
        }
        return s
    }

    /// A scenario's number checked against its range before the simulator uses it.
    static func bounded(_ value: Int64, _ function: String, _ name: String, from low: Int64 = 0, upTo high: Int64) throws -> Int {
        guard value >= low, value <= high else {
            throw HostError("\(function): '\(name)' must be an integer from \(low) to \(high), got \(value)")
        }
        return Int(value)
    }

    /// A rule's `times` (1 when absent), at least 1.
    static func times(_ o: JSON, _ function: String) throws -> Int {
        guard let given = o["times"] else { return 1 }
        guard let n = given.intValue else { throw HostError("\(function): 'times' must be an integer, got \(given)") }
        return try bounded(n, function, "times", from: 1, upTo: Int64(Int32.max))
    }

    /// A probability in 0…1 (NaN and infinities refused).
    static func probability(_ value: Double, _ function: String) throws -> Double {
        guard value.isFinite, value >= 0, value <= 1 else {
            throw HostError("\(function): 'probability' must be a number from 0 to 1, got \(value)")
        }
        return value
    }

    /// An operationId, given as one or as a binding name (nil = any operation).
    static func operationId(_ value: JSON?) throws -> String? {
        guard let value, !value.isNull else { return nil }
        guard let name = value.stringValue else { throw HostError("sim: 'op' must be an operationId or binding name") }
        if Catalog.shared.operation(id: name) != nil { return name }
        if let b = FriendlyNames.binding(named: name) { return b.operationId }
        throw HostError("sim: unknown operation '\(name)' (use an operationId such as removeUsersFromLabel, or a binding name)")
    }

    private func setPolicy(_ o: JSON) throws {
        let gate = session.gate
        func patterns(_ key: String) throws -> [Policy.Pattern]? {
            guard let v = o[key] else { return nil }
            if let s = v.stringValue { return [try Policy.Pattern(s)] }
            return try (v.arrayValue ?? []).map {
                guard let s = $0.stringValue else { throw HostError("policy: '\(key)' must list operation patterns") }
                return try Policy.Pattern(s)
            }
        }
        let grants = try patterns("allow"), denials = try patterns("deny")
        gate.adjust { policy, settings in
            if let grants { policy.grants = grants; policy.grantsEverything = false }
            if let everything = o["allow_all_destructive"]?.boolValue { policy.grantsEverything = everything }
            if let unbounded = o["allow_unbounded"]?.boolValue { settings.allowUnbounded = unbounded }
            if let denials { policy.denials = denials }
            if let dry = o["dry_run"]?.boolValue { settings.dryRun = dry }
            if let m = o["max_destructive"]?.intValue { settings.maxDestructive = Int(m) }
            if let m = o["max_calls"]?.intValue { settings.maxCalls = Int(m) }
        }
    }
}
