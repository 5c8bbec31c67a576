import DeskCore
import Foundation

/// Which Zoho Desk a command reaches, as its command line chose it: the
/// built-in simulator (`--sim`, `--fixture`) or a stored profile
/// (`--profile`, `--org`, `--api-url`). run, eval, repl and mcp all connect
/// through here, so the rules between these flags are written once.
public struct BackendChoice: Sendable {
    public var sim = false
    public var fixture: String?
    public var profile: String?
    public var org: String?
    public var endpoints = Endpoints()
    public var verbose = false
    /// `--concurrency` (see `ConcurrencySetting` for what applies without it).
    public var concurrency: Int?

    public init() {}

    /// Refuses flags that contradict each other, before anything connects.
    public func check() throws {
        if sim && profile != nil { throw UsageError("choose --sim or --profile, not both") }
        if fixture != nil && !sim { throw UsageError("--fixture needs --sim") }
    }

    /// The backend: a fresh simulator, or the profile's connection.
    public func connect() async throws -> Backend {
        try check()
        if sim { return try Backend.simulator(fixture: fixture, verbose: verbose, concurrency: concurrency) }
        return try await Backend.profile(profile, orgId: org, endpoints: endpoints, verbose: verbose, concurrency: concurrency)
    }
}
