import ArgumentParser
import DeskSim
import Foundation

/// `zdsh sim serve|fixture`: the simulated Zoho Desk as a local HTTP server.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the built-in Zoho Desk simulator.",
        subcommands: [Serve.self, DumpFixture.self],
        defaultSubcommand: Serve.self)

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve the simulator on 127.0.0.1 until interrupted (SIGINT/SIGTERM).")

        @Option(help: "TCP port (0 picks a free one).")
        var port = 8085

        @Option(help: ArgumentHelp("State to load (JSON, the `sim.state()` format); default: the demo org.", valueName: "file"))
        var fixture: String?

        @Option(help: ArgumentHelp("Added latency per request, in milliseconds.", valueName: "ms"))
        var latency = 0

        @Option(help: ArgumentHelp("Desk edition whose limits to apply: \(Edition.names).", valueName: "edition"))
        var edition: String = "enterprise"

        @Option(help: "Simultaneous requests allowed per organisation before 429 TOO_MANY_REQUESTS (default: the edition's).")
        var concurrency: Int?

        @Option(help: "Daily API credits per organisation before 429 THRESHOLD_EXCEEDED (default: the edition's).")
        var credits: Int?

        @Option(help: "Seed for probabilistic faults and latency jitter.")
        var seed: UInt64 = 42

        @Option(name: .customLong("bulk-label-users"),
                help: ArgumentHelp("Add N help-center users carrying the demo org's first label (benchmarks).", valueName: "n"))
        var bulkLabelUsers = 0

        @Option(name: .customLong("bulk-tickets"),
                help: ArgumentHelp("Add N lazily generated tickets to the demo org (benchmarks).", valueName: "n"))
        var bulkTickets = 0

        func validate() throws {
            if Edition(rawValue: edition.lowercased()) == nil {
                throw ValidationError("--edition must be one of \(Edition.names), got '\(edition)'")
            }
            if let c = concurrency, c < 1 { throw ValidationError("--concurrency must be at least 1") }
            if let c = credits, c < 0 { throw ValidationError("--credits cannot be negative") }
            guard (0...Latency.maxMs).contains(latency) else {
                throw ValidationError("--latency must be from 0 to \(Latency.maxMs) ms")
            }
            guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
            if bulkLabelUsers < 0 || bulkTickets < 0 { throw ValidationError("--bulk-* counts cannot be negative") }
            if fixture != nil && (bulkLabelUsers > 0 || bulkTickets > 0) {
                throw ValidationError("--bulk-label-users and --bulk-tickets build on the demo org; drop --fixture")
            }
        }

        func run() async throws {
            var config = Simulator.Configuration()
            let limits = Edition(rawValue: edition.lowercased()) ?? .enterprise
            config.concurrencyLimit = concurrency ?? limits.concurrency
            config.dailyCredits = credits ?? limits.dailyCredits
            config.seed = seed
            config.latency = Latency(fixedMs: latency)
            let loaded = try fixture.map { try Fixture.load(path: $0) }
                ?? (bulkLabelUsers > 0 || bulkTickets > 0 ? .bulk(labelUsers: bulkLabelUsers, tickets: bulkTickets) : .demo)
            let sim = Simulator(fixture: loaded, configuration: config)
            let server = SimServer(simulator: sim, port: port)
            try await server.run(handleSignals: true) { port in
                let token = sim.issueToken()
                print("""
                    Zoho Desk simulator listening on http://127.0.0.1:\(port)
                      api base:      \(sim.apiURL)/api/v1
                      accounts:      \(sim.accountsURL)/oauth/v2/token
                      orgId:         \(sim.orgId)
                      access token:  \(token)   (1 hour)
                      refresh token: \(sim.issueRefreshToken())
                      client:        \(sim.clientId) / \(sim.clientSecret)   (self client; made up, this simulator only)
                      grant code:    \(sim.issueGrantCode(lifetime: 600))   (one use, 10 minutes)
                    Rehearse login: zdsh auth login --profile sim --accounts-url \(sim.accountsURL) --api-url \(sim.apiURL)
                    Try: curl -H 'Authorization: Zoho-oauthtoken \(token)' -H 'orgId: \(sim.orgId)' \(sim.apiURL)/api/v1/tickets
                    """)
                fflush(nil)
            }
            // The server's own counters, for tests and rehearsals that check what reached it.
            let stats = sim.stats
            let refused = sim.requestLog.filter { $0.status == 429 }.count
            print("served \(stats.requests) requests; peak in flight \(stats.peakInFlight) of \(config.concurrencyLimit); "
                  + "credits used \(stats.creditsUsed) of \(config.dailyCredits); 429 answers \(refused)")
            fflush(nil)
        }
    }

    struct DumpFixture: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fixture",
            abstract: "Print the built-in demo organisation as a fixture file.")

        func run() async throws {
            print(Simulator().state().encoded(.pretty))
        }
    }
}
