import DeskCatalog
import DeskCore
import DeskGate
import DeskSim
import Foundation

/// What one scenario talks to: a fresh simulator, or a cassette replayed
/// with no simulator at all. Hands out Desk clients (the scenario's own and
/// one per `runbook.run`) that share it.
package final class ScenarioBackend: Sendable {
    let simulator: Simulator?
    let replay: ReplayTransport?
    let cassettePath: String?
    private let connection: Connection
    private let transport: Transport
    /// What the simulator's answers said they made up (nil when replaying).
    let watch: SimUnmodelledWatch?

    /// A fresh simulator loaded with the demo organisation.
    init(simulator: Simulator = Simulator()) {
        self.simulator = simulator
        replay = nil
        cassettePath = nil
        connection = Connection(
            profile: "sim", accountsURL: simulator.accountsURL, apiURL: simulator.apiURL,
            clientId: simulator.clientId, clientSecret: simulator.clientSecret,
            refreshToken: simulator.issueRefreshToken(), accessToken: simulator.issueToken(),
            grantedScopes: simulator.allScopes, orgId: simulator.orgId)
        let watch = SimUnmodelledWatch(inner: OrgFollowingTransport(simulator: simulator, placeholderOrgId: simulator.orgId))
        self.watch = watch
        transport = watch
    }

    /// Replays `cassette`; nothing else answers.
    init(cassette: Cassette, path: String) {
        simulator = nil
        let replay = ReplayTransport(cassette: cassette)
        self.replay = replay
        cassettePath = path
        // Hosts, headers and OAuth secrets are not part of a recorded request's
        // identity, so stand-ins do. The token only refreshes when the
        // recording did (a recorded 401), and then against the recorded answer.
        connection = Connection(
            profile: "replay", accountsURL: "https://accounts.zoho.replay", apiURL: "https://desk.zoho.replay",
            clientId: "replay-client", clientSecret: "replay-client-secret", refreshToken: "replay-refresh-token",
            accessToken: "replay-access-token", accessTokenExpiry: .distantFuture,
            grantedScopes: nil, orgId: "1")
        transport = replay
        watch = nil
    }

    /// A new client over the shared backend. Retries wait at most a few
    /// milliseconds: scenarios inject 429s and resets and must stay fast.
    func makeClient() -> DeskClient {
        var o = Backend.options(verbose: false)
        o.sleep = { d in try await Task.sleep(for: min(d, .milliseconds(2))) }
        o.refreshPollInterval = .milliseconds(5)
        o.discoverOrg = false
        if simulator == nil { o.checkScopes = false }
        return DeskClient(connection: connection, transport: transport, options: o)
    }
}

/// Sends to the simulator, pointing requests made for the org the client was
/// built with at the simulator's *current* default org: a scenario may
/// replace the demo org with its own fixture after its client exists.
package struct OrgFollowingTransport: Transport {
    let simulator: Simulator
    let placeholderOrgId: String

    package func send(_ request: WireRequest) async throws -> WireResponse {
        var r = request
        if let i = r.headers.firstIndex(where: { $0.name.caseInsensitiveCompare("orgId") == .orderedSame }),
           r.headers[i].value == placeholderOrgId {
            let current = simulator.orgId
            if current != placeholderOrgId { r.headers[i].value = current }
        }
        return try await simulator.transport.send(r)
    }
}
