import DeskSim
import Foundation

/// A simulator served over HTTP on 127.0.0.1, and the environment that points
/// a `zdsh --profile NAME` subprocess at it (credentials in ZOHO_* variables,
/// URLs in ZDSH_*_URL, state and config under a fresh home).
final class ServedSimulator {
    let sim = Simulator()
    let server: SimServer
    let home: String
    private(set) var env: [String: String] = [:]

    init(tag: String) {
        server = SimServer(simulator: sim)
        home = Zdsh.tempDir(tag)
    }

    func start() async throws {
        let port = try await server.start()
        let base = "http://127.0.0.1:\(port)"
        sim.setBaseURL(api: base, accounts: base)
        env = Zdsh.environment(home: home, extra: [
            "ZOHO_CLIENT_ID": Simulator.defaultClientId, "ZOHO_CLIENT_SECRET": Simulator.defaultClientSecret,
            "ZOHO_REFRESH_TOKEN": sim.issueRefreshToken(), "ZOHO_DESK_ORG_ID": sim.orgId,
            "ZDSH_API_URL": base, "ZDSH_ACCOUNTS_URL": base,
        ])
    }

    func stop() async {
        await server.stop()
        try? FileManager.default.removeItem(atPath: home)
    }

    /// Requests that reached a catalog operation other than a read.
    var mutating: [SimLogEntry] { sim.requestLog.filter { $0.method != "GET" && $0.operationId != nil } }

    func write(_ name: String, _ text: String) throws -> String {
        let path = home + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
