import DeskCore
import DeskGate
import Foundation
import ShellCore

/// Which Zoho Desk a command reaches, as its command line chose it: the
/// built-in simulator (`--sim`, `--fixture`) or a stored profile
/// (`--profile`, `--org`, `--api-url`). run, eval, repl and mcp all connect
/// through here, so the rules between these flags are written once.
package struct BackendChoice: Sendable {
    package var sim = false
    package var fixture: String?
    package var profile: String?
    package var org: String?
    package var endpoints = Endpoints()
    package var verbose = false
    /// `--concurrency` (see `ConcurrencySetting` for what applies without it).
    package var concurrency: Int?

    package init() {}

    /// Refuses flags that contradict each other, before anything connects.
    package func check() throws {
        if sim && profile != nil { throw UsageError("choose --sim or --profile, not both") }
        if fixture != nil && !sim { throw UsageError("--fixture needs --sim") }
    }

    /// The backend: a fresh simulator, or the profile's connection.
    package func connect() async throws -> Backend {
        try check()
        if sim { return try Backend.simulator(fixture: fixture, verbose: verbose, concurrency: concurrency) }
        return try await Backend.profile(profile, orgId: org, endpoints: endpoints, verbose: verbose, concurrency: concurrency)
    }
}
