import DeskCatalog
import DeskCore
import Foundation
import JSONValue
import LuaHost

/// Runs a runbook (or a plain chunk) the way `zdsh run` and `zdsh eval` do:
/// parameters checked first, the policy built from declared ∩ granted,
/// confirmation, dry-run plan, audit and journal, human or JSON output, a
/// summary line and the exit status.
public struct Runner {
    public enum Source {
        case file(String)
        case chunk(String)
    }

    public struct Options {
        public var parameters: [String: String] = [:]
        public var sim = false
        public var fixture: String?
        public var profile: String?
        public var org: String?
        public var allow: [String] = []
        public var deny: [String] = []
        public var policyFile: String?
        public var dryRun = false
        public var planOut: String?
        public var yes = false
        public var json = false
        public var auditPath: String?
        public var limits = Limits.defaults
        public var maxDestructive = 25
        public var maxCalls: Int?
        public var resume: String?
        public var verbose = false
        /// Without --sim or --profile, defer a missing profile to the first
        /// API call instead of failing at start (eval: code may not call it).
        public var connectLazily = false
        /// Wraps the transport (cassette recording); set by the command line.
        public var wrapTransport: ((Transport) -> Transport)?
        public var interactive = isatty(STDIN_FILENO) != 0 && isatty(STDERR_FILENO) != 0
        public init() {}
    }

    public let source: Source
    public var options: Options
    /// Lines for stdout and stderr (injectable for tests).
    public var out: (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
    public var err: (String) -> Void = { Terminal.error($0) }

    public init(_ source: Source, options: Options) {
        self.source = source
        self.options = options
    }

    public func run() async -> ExitStatus {
        do {
            return try await runThrowing()
        } catch let e as UsageError {
            err("zdsh: \(Terminal.visible("\(e)"))")
            return .usage
        } catch let e as PolicyError {
            err("zdsh: \(Terminal.visible("\(e)"))")
            return .usage
        } catch let e as DeskError {
            err("zdsh: \(Terminal.visible("\(e)"))")
            return .apiError
        } catch {
            err("zdsh: \(Terminal.visible("\(error)"))")
            return .luaError
        }
    }

    private func runThrowing() async throws -> ExitStatus {
        let started = Date()
        var sourceText: String
        var chunkName: String
        var modulePaths: [String] = []
        switch source {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read \(path)") }
            sourceText = String(decoding: data, as: UTF8.self)
            chunkName = "@\(path)"
            let folder = (path as NSString).deletingLastPathComponent
            modulePaths = [folder.isEmpty ? "." : folder]
        case .chunk(let code):
            sourceText = code
            chunkName = "=eval"
        }

        // The policy: grants from flags and files.
        var policy = Policy(grants: try options.allow.map(Policy.Pattern.init), denials: try options.deny.map(Policy.Pattern.init))
        if let file = options.policyFile {
            let loaded = try Policy.load(file: file)
            policy.grants += loaded.grants
            policy.denials += loaded.denials
        }

        var backend: Backend
        if options.sim {
            backend = try Backend.simulator(fixture: options.fixture, verbose: options.verbose)
        } else if options.fixture != nil {
            throw UsageError("--fixture needs --sim")
        } else if options.connectLazily && options.profile == nil {
            // No store and no token in the environment: say so at the first
            // API call, without creating a store this chunk may never use.
            if let missing = ConnectionLoader.certainlyMissing() {
                backend = Backend.offline(reason: "\(missing)")
            } else {
                do {
                    backend = try await Backend.profile(nil, orgId: options.org, verbose: options.verbose)
                } catch {
                    backend = Backend.offline(reason: "\(error)")
                }
            }
        } else {
            backend = try await Backend.profile(options.profile, orgId: options.org, verbose: options.verbose)
        }
        if let wrap = options.wrapTransport {
            backend = Backend(client: DeskClient(connection: backend.client.connection, transport: wrap(backend.client.transport),
                                                 store: backend.client.store, options: backend.client.options),
                              simulator: backend.simulator)
        }

        let runId = options.resume ?? Runner.newRunId()
        var settings = CallGate.Settings()
        settings.dryRun = options.dryRun
        settings.maxCalls = options.maxCalls
        settings.maxDestructive = options.maxDestructive
        settings.confirm = confirmation()
        let sha = Runbook.sha(sourceText)
        var context: [String: JSON] = [
            "run_id": .string(runId),
            "operator": .string(ProcessInfo.processInfo.environment["USER"] ?? NSUserName()),
            "profile": .string(backend.profile),
        ]
        if let org = backend.orgId { context["org"] = .string(org) }
        if case .file(let path) = source { context["runbook"] = .string(path); context["sha256"] = .string(sha) }
        settings.auditContext = context

        let audit = try AuditLog(path: options.auditPath ?? AuditLog.defaultPath())
        let session = try Session(client: backend.client, policy: policy, settings: settings, audit: audit,
                                  limits: options.limits, modulePaths: modulePaths,
                                  output: RunbookOutput.write)

        if case .file = source, options.resume != nil || !options.dryRun {
            session.gate.journal = try Journal(path: Journal.defaultPath(), runId: runId, resuming: options.resume != nil)
        }

        // A file's top level runs once: a runbook answers its metadata (its
        // main then runs with checked parameters); a plain script has just
        // run for real, and its results are the run's results.
        var result: Result<[RunValue], LuaError>
        var params: JSON = .object([:])
        if case .file(let path) = source {
            result = session.run(RunbookSpec.describeDriver, name: "=zdsh:describe", arguments: [.string(sourceText), .string(chunkName)])
            if case .success(let values) = result {
                if case .json(let j)? = values.first, j == RunbookSpec.plainMarker {
                    if !options.parameters.isEmpty { throw UsageError("\(path) is not a runbook, so it takes no --param") }
                    result = .success(Array(values.dropFirst()))
                } else if case .json(let j)? = values.first {
                    let spec = try RunbookSpec(json: j)
                    params = try spec.convert(options.parameters)
                    session.gate.policy.declared = try spec.destructive.map(Policy.Pattern.init)
                    session.gate.settings.auditContext["parameters"] = params
                    if !options.dryRun { err("zdsh: run \(runId)\(options.resume != nil ? " (resuming)" : "")") }
                    result = session.run(RunbookSpec.runDriver, name: "=zdsh:runbook",
                                         arguments: [.string(sourceText), .string(chunkName), params])
                }
            }
        } else {
            result = session.run(sourceText, name: chunkName)
        }
        var status: ExitStatus = .ok
        switch result {
        case .success(let values):
            printValues(values)
        case .failure(let e):
            status = ExitStatus.of(e, denied: 0)
            Terminal.report(e)
        }

        let calls = session.gate.calls
        if options.dryRun {
            let plan = Plan(runbook: { if case .file(let p) = source { return p } else { return nil } }(),
                            sha256: sha, parameters: params, profile: backend.profile, orgId: backend.orgId,
                            grants: options.allow, calls: calls.filter { $0.outcome == .planned })
            err(plan.render())
            if let out = options.planOut {
                try Data((plan.json.encoded(.pretty) + "\n").utf8).write(to: URL(fileURLWithPath: out))
                err("zdsh: plan saved to \(out) — apply it with: zdsh apply \(out)")
            }
        }
        let denied = calls.filter { $0.outcome == .denied }
        if !denied.isEmpty {
            err("zdsh: \(denied.count) call\(denied.count == 1 ? " was" : "s were") denied by policy:")
            for d in denied.prefix(20) {
                err("  \(d.calledAs) \(d.ids.prefix(10).map { Terminal.visible($0) }.joined(separator: ", ")) — \(Terminal.visible(d.message ?? ""))")
            }
            if status == .ok || status == .luaError { status = .denied }
        }
        let writes = calls.filter { $0.safety == .write && $0.outcome != .denied }.count
        let destructive = calls.filter { $0.safety == .destructive && $0.outcome != .denied }.count
        let seconds = Date().timeIntervalSince(started)
        // The summary is for runbook files and for code that called the API.
        if case .file = source {} else if calls.isEmpty { return status }
        err(String(format: "zdsh: %d call%@ (%d write%@, %d destructive, %d denied%@) in %.2fs",
                   calls.count, calls.count == 1 ? "" : "s", writes, writes == 1 ? "" : "s", destructive, denied.count,
                   options.dryRun ? ", dry run" : "", seconds))
        return status
    }

    private func printValues(_ values: [RunValue]) {
        if options.json {
            if !values.isEmpty { out(RunbookOutput.forStdout(ValueFormatter.machine(values))) }
            return
        }
        for v in values {
            switch v {
            case .json(let j): out(RunbookOutput.forStdout(RecordFormatter.format(j)))
            case .opaque(let d): out(RunbookOutput.forStdout(d))
            }
        }
    }

    /// The confirmation before the first destructive call: a y/N prompt on a
    /// terminal; without one (and without --yes) destructive calls are refused.
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
            let text = "About to call \(call.calledAs) [\(call.operation.method) \(Terminal.visible(call.operation.path))]\(ids.isEmpty ? "" : " on \(ids)").\nThis run may make up to \(cap) destructive calls. Proceed? [y/N] "
            Terminal.prompt(text)
            guard let tty = FileHandle(forReadingAtPath: "/dev/tty") else { return false }
            var line = ""
            while let byte = try? tty.read(upToCount: 1), let b = byte.first, b != 0x0A { line.append(Character(UnicodeScalar(b))) }
            return ["y", "yes"].contains(line.trimmingCharacters(in: .whitespaces).lowercased())
        }
    }

    static func newRunId() -> String {
        UTCTimestamp.compact() + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }
}

public enum Runbook {
    public static func sha(_ text: String) -> String { RunbookSpec.sha256(text) }
}
