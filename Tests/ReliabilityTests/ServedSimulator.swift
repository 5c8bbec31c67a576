import DeskSim
import Foundation
import JSONValue
import XCTest

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

/// Tests that run `zdsh --profile TAG` subprocesses against a simulator
/// served over HTTP, each test on a fresh simulator and home folder, and
/// assert the server's state and request log as well as what zdsh printed.
class ServedSimulatorTestCase: XCTestCase {
    /// The profile name and the temporary folder's tag.
    class var tag: String { "served" }
    /// Seconds one subprocess may take before it counts as hung.
    class var timeout: Double { 60 }

    var served: ServedSimulator!
    var sim: Simulator { served.sim }
    var home: String { served.home }
    var env: [String: String] { served.env }
    var auditPath: String { home + "/audit.jsonl" }
    /// Requests that reached a catalog operation other than a read.
    var mutating: [SimLogEntry] { served.mutating }

    override func setUp() async throws {
        served = ServedSimulator(tag: Self.tag)
        try await served.start()
    }

    override func tearDown() async throws {
        await served.stop()
    }

    /// `zdsh ARGS --profile TAG --audit HOME/audit.jsonl` against the served simulator.
    func zdsh(_ args: [String]) throws -> Zdsh.Output {
        try Zdsh.run(args + ["--profile", Self.tag, "--audit", auditPath], env: env, timeout: Self.timeout)
    }

    /// The audit log's records, oldest first.
    var auditRecords: [JSON] {
        let text = (try? String(contentsOfFile: auditPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSON.parse(Array($0.utf8)) }
    }

    func write(_ name: String, _ text: String) throws -> String { try served.write(name, text) }
}
