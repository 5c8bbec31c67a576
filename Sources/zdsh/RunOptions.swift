import ArgumentParser
import CommandOptions
import DeskCore
import Foundation
import Runbooks

/// Where calls go and what they may do: flags shared by run, eval and repl.
struct TargetOptions: ParsableArguments {
    @OptionGroup var desk: TargetSelection
    @OptionGroup var grants: GrantOptions

    @Flag(name: .customLong("dry-run"), help: "Execute reads; record writes and destructive calls instead of sending them.")
    var dryRun = false

    @Flag(name: .long, help: "Do not ask before destructive calls.")
    var yes = false

    @Flag(name: .long, help: "Print results as JSON.")
    var json = false

    @Option(name: .long, help: "Audit log file (default $XDG_STATE_HOME/zdsh/audit.jsonl).")
    var audit: String?

    @Option(name: .customLong("max-destructive"), help: "Stop before destructive calls affect more than N records (ids), counted across the run.")
    var maxDestructive: Int = 25

    @Option(name: .customLong("max-calls"), help: "Stop before API call N+1.")
    var maxCalls: Int?

    @Option(name: .customLong("max-writes"), help: "Stop before writes (notify calls included, destructive ones not) affect more than N records, counted across the run (default: the policy file's max_writes, else no cap).")
    var maxWrites: Int?

    @Flag(name: .shortAndLong, help: "Show each request and response on stderr.")
    var verbose = false

    @Flag(name: .customLong("no-undo"), help: "Do not read the values updates change before sending them: `zdsh undo` cannot set those fields back.")
    var noUndo = false

    @Flag(name: .customLong("strict-sim"), help: "Fail (exit 5, SIM_UNMODELLED) when the simulator answers a call it does not model, or ignores one of its parameters.")
    var strictSim = false

    @OptionGroup var endpoints: EndpointOptions
    @Option(name: .long, help: ArgumentHelp("Calls in flight at once (1–25; default: $ZDSH_CONCURRENCY, the profile's, the org's edition limit, else 5).", valueName: "n"))
    var concurrency: Int?

    /// The target flags as one choice (checked and connected in Shell).
    var backendChoice: BackendChoice {
        var c = BackendChoice()
        c.sim = desk.sim; c.fixture = desk.fixture; c.profile = desk.profile; c.org = desk.org
        c.endpoints = endpoints.value; c.verbose = verbose; c.concurrency = concurrency
        return c
    }

    func apply(to o: inout Runner.Options, sandbox: SandboxOptions) {
        o.backendChoice = backendChoice
        o.allow = grants.allow; o.deny = grants.deny; o.policyFile = grants.policy
        o.allowAllDestructive = grants.allowAllDestructive; o.allowUnbounded = grants.allowUnbounded
        o.dryRun = dryRun; o.yes = yes; o.json = json; o.auditPath = audit
        o.maxDestructive = maxDestructive; o.maxCalls = maxCalls; o.maxWrites = maxWrites
        o.strictSim = strictSim
        o.noUndo = noUndo
        o.limits = sandbox.limits
        o.filesDirs = sandbox.filesDir
    }

    func validate() throws {
        if desk.sim && !endpoints.value.isEmpty { throw ValidationError("--api-url and --accounts-url are for profiles, not --sim") }
        if maxDestructive < 0 { throw ValidationError("--max-destructive cannot be negative") }
        if let m = maxCalls, m < 0 { throw ValidationError("--max-calls cannot be negative") }
        if let m = maxWrites, m < 0 { throw ValidationError("--max-writes cannot be negative") }
        if let c = concurrency, !(1...ConcurrencySetting.maximum).contains(c) {
            throw ValidationError("--concurrency must be between 1 and \(ConcurrencySetting.maximum), got \(c)")
        }
        // A bad ZDSH_CONCURRENCY is a usage error too, caught before any connection is made.
        do {
            _ = try ConcurrencySetting.resolve(flag: concurrency, environment: ProcessInfo.processInfo.environment,
                                               stored: nil, edition: nil)
        } catch let error as DeskError {
            throw ValidationError(error.message)
        }
    }
}
