import DeskSim
import TestSupport

/// A served simulator with one issued refresh token, and the environment
/// that points `zdsh` processes at it through a shared token store: the
/// set-up of the multi-process token tests.
struct TokenServer {
    let sim = Simulator()
    let server: SimServer
    let base: String
    let refreshToken: String

    init() async throws {
        server = SimServer(simulator: sim)
        let port = try await server.start()
        base = "http://127.0.0.1:\(port)"
        sim.setBaseURL(api: base, accounts: base)
        refreshToken = sim.issueRefreshToken()
    }

    func environment(home: String) -> [String: String] {
        Zdsh.environment(home: home, extra: [
            "ZOHO_CLIENT_ID": Simulator.defaultClientId, "ZOHO_CLIENT_SECRET": Simulator.defaultClientSecret,
            "ZOHO_REFRESH_TOKEN": refreshToken, "ZOHO_DESK_ORG_ID": sim.orgId,
            "ZDSH_API_URL": base, "ZDSH_ACCOUNTS_URL": base,
        ])
    }
}
