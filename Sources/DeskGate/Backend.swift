import DeskCatalog
import DeskCore
import DeskSim
import Foundation
import LuaHost
import ShellCore

/// Where calls go: the built-in simulator, or a real Zoho Desk profile.
package struct Backend: Sendable {
    package let client: DeskClient
    /// Set when running against the simulator (scenario tests inspect it).
    package let simulator: Simulator?
    /// What the simulator's answers said they did not model (`X-Zdsh-Sim-Unmodelled`).
    package var watch: SimUnmodelledWatch? = nil
    /// Profile name and org id, recorded in plans and audit records.
    package var profile: String { client.connection.profile }
    package var orgId: String? { client.connection.orgId }

    package init(client: DeskClient, simulator: Simulator?, watch: SimUnmodelledWatch? = nil) {
        self.client = client
        self.simulator = simulator
        self.watch = watch
    }

    /// Client options shared by every backend: catalog-aware raw requests.
    package static func options(verbose: Bool) -> DeskClientOptions {
        var o = DeskClientOptions.standard(verbose: verbose)
        o.operationResolver = { Catalog.shared.match(method: $0, path: $1)?.operation }
        return o
    }

    /// An in-process simulator loaded with `fixture` (a JSON file) or the demo org.
    package static func simulator(fixture: String? = nil, verbose: Bool = false, concurrency: Int? = nil,
                                 configure: (Simulator) -> Void = { _ in }) throws -> Backend {
        let sim = Simulator(fixture: try fixture.map { try Fixture.load(path: $0) } ?? .demo)
        configure(sim)
        var o = Backend.options(verbose: verbose)
        o.maxConcurrentCalls = try ConcurrencySetting.resolve(flag: concurrency, environment: ProcessInfo.processInfo.environment,
                                                              stored: nil, edition: nil).value
        return simulator(sim, verbose: verbose, options: o)
    }

    package static func simulator(_ sim: Simulator, verbose: Bool = false, options: DeskClientOptions? = nil) -> Backend {
        let connection = Connection(
            profile: "sim", accountsURL: sim.accountsURL, apiURL: sim.apiURL,
            clientId: sim.clientId, clientSecret: sim.clientSecret,
            refreshToken: sim.issueRefreshToken(), accessToken: sim.issueToken(),
            grantedScopes: sim.allScopes, orgId: sim.orgId)
        var o = options ?? Backend.options(verbose: verbose)
        o.operationResolver = { Catalog.shared.match(method: $0, path: $1)?.operation }
        let watch = SimUnmodelledWatch(inner: sim.transport)
        return Backend(client: DeskClient(connection: connection, transport: watch, options: o), simulator: sim, watch: watch)
    }

    /// A stored profile (plus ZOHO_* environment overrides) over real HTTP.
    /// `endpoints` (--api-url/--accounts-url), ZDSH_API_URL / ZDSH_ACCOUNTS_URL
    /// or the profile's own URLs may point it at `zdsh sim serve` (benchmarks,
    /// rehearsals) instead of Zoho. `concurrency` is --concurrency (see
    /// `ConcurrencySetting` for what applies without it).
    package static func profile(_ name: String?, orgId: String? = nil, endpoints: Endpoints = Endpoints(),
                               verbose: Bool = false, concurrency: Int? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Backend {
        let store: SQLiteTokenStore
        // Opening may wait for another process creating the store (see
        // SQLiteTokenStore.openPool): on a thread of its own, not the pool's.
        do { store = try await OffPool.run(name: "zdsh.store") { try SQLiteTokenStore() } } catch { throw LocalStateError("token store \(SQLiteTokenStore.defaultPath())", error) }
        let flags = ConnectionLoader.Flags(profile: name, orgId: orgId,
                                           apiURL: endpoints.apiURL, accountsURL: endpoints.accountsURL)
        let connection = try await ConnectionLoader(store: store, environment: environment).load(flags)
        var o = options(verbose: verbose)
        o.maxConcurrentCalls = try ConcurrencySetting.resolve(flag: concurrency, environment: environment,
                                                              stored: connection.concurrency, edition: connection.edition).value
        // A profile may point at `zdsh sim serve`: its answers say what they made up too.
        let watch = SimUnmodelledWatch(inner: HTTPTransport.shared)
        let client = DeskClient(connection: connection, transport: watch, store: store, options: o)
        return Backend(client: client, simulator: nil, watch: watch)
    }

    /// No connection at all: every call fails with `reason` (why loading the
    /// profile failed). `zdsh eval` uses it so code that never calls the API
    /// needs no profile, and code that does gets the reason at the call.
    package static func offline(reason: String) -> Backend {
        // A stand-in token and org id, so a call goes straight to the
        // transport, which explains why nothing can be sent (rather than the
        // client asking for a token or an org it cannot have).
        let connection = Connection(profile: "none", accessToken: "offline", accessTokenExpiry: .distantFuture, orgId: "0")
        let client = DeskClient(connection: connection, transport: OfflineTransport(reason: reason),
                                options: options(verbose: false))
        return Backend(client: client, simulator: nil)
    }
}

/// The transport of an offline backend: refuses every request.
package struct OfflineTransport: Transport {
    let reason: String
    package func send(_ request: WireRequest) async throws -> WireResponse {
        throw DeskError(kind: .configuration, message: "no connection to Zoho Desk: \(reason)",
                        hint: "pass --sim for the built-in simulator, --profile P, or run zdsh auth login")
    }
}
