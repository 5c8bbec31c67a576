import ArgumentParser
import DeskGate
import Runbooks

/// Which Zoho Desk the calls reach: the built-in simulator or a stored
/// profile. Shared by run, eval, repl and mcp.
package struct TargetSelection: ParsableArguments {
    package init() {}

    @Flag(name: .long, help: "Use the built-in simulated Zoho Desk.")
    package var sim = false

    @Option(name: .long, help: "Simulator state to start from (JSON file; with --sim).")
    package var fixture: String?

    @Option(name: .long, help: "Stored profile to use (see zdsh auth).", completion: ValueCompletions.profiles)
    package var profile: String?

    @Option(name: .long, help: "Desk organization id, when the profile reaches several.")
    package var org: String?

    package func validate() throws {
        var choice = BackendChoice()
        choice.sim = sim; choice.fixture = fixture; choice.profile = profile
        do { try choice.check() } catch { throw ValidationError("\(error)") }
    }
}

/// What destructive calls may do: the operator's grants. Shared by run,
/// eval, repl and mcp, so every entry point refuses the same master keys.
package struct GrantOptions: ParsableArguments {
    package init() {}

    @Option(name: .long, help: "Allow destructive operations matching PATTERN (e.g. helpcenter.labels.*).",
            completion: ValueCompletions.operations)
    package var allow: [String] = []

    @Option(name: .long, help: "Deny operations matching PATTERN even if allowed elsewhere.", completion: ValueCompletions.operations)
    package var deny: [String] = []

    @Option(name: .long, help: "Policy file (JSON: {\"allow\": [...], \"deny\": [...]}).")
    package var policy: String?

    @Flag(name: .customLong("allow-all-destructive"), help: "Grant every destructive operation (a runbook still gets only what it declares). A glob such as '*' is refused: say this instead.")
    package var allowAllDestructive = false

    @Flag(name: .customLong("allow-unbounded"), help: "Let destructive calls that affect an unbounded set of records (empty the recycle bin, \"all\") pass the --max-destructive cap.")
    package var allowUnbounded = false
}
