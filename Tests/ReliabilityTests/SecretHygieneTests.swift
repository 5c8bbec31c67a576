import DeskSim
import Foundation
import JSONValue
import XCTest

/// Known fake secrets go in through the environment; nothing zdsh prints,
/// audits, plans or reports as an error may contain them.
final class SecretHygieneTests: XCTestCase {
    static let clientSecret = "fake-client-secret-7f3a9c1e5b"
    static let wrongSecret = "fake-wrong-secret-2d8e4b6a0c"

    func testNoSecretInOutputAuditPlansOrErrors() async throws {
        let sim = Simulator(fixture: .bulk(labelUsers: 30))
        let server = SimServer(simulator: sim)
        let port = try await server.start()
        let base = "http://127.0.0.1:\(port)"
        sim.setBaseURL(api: base, accounts: base)
        sim.addClient(id: Simulator.defaultClientId, secret: Self.clientSecret)
        let refreshToken = sim.issueRefreshToken()
        let home = Zdsh.tempDir("secrets")
        defer { try? FileManager.default.removeItem(atPath: home) }

        let hc = sim.resource("helpCenters").first?["id"]?.stringValue ?? ""
        let label = Dictionary(grouping: sim.resource("labelUsers"), by: { $0["labelId"]?.stringValue ?? "" })
            .max { $0.value.count < $1.value.count }?.key ?? ""
        func env(secret: String = SecretHygieneTests.clientSecret, refresh: String? = nil) -> [String: String] {
            Zdsh.environment(home: home, extra: [
                "ZOHO_CLIENT_ID": Simulator.defaultClientId, "ZOHO_CLIENT_SECRET": secret,
                "ZOHO_REFRESH_TOKEN": refresh ?? refreshToken, "ZOHO_DESK_ORG_ID": sim.orgId,
                "ZDSH_API_URL": base, "ZDSH_ACCOUNTS_URL": base, "ZDSH_DEBUG": "1",
            ])
        }
        let audit = home + "/audit.jsonl", plan = home + "/plan.json"
        let runbook = Zdsh.stdlib + "/examples/retire_label.lua"
        let common = ["--profile", "leaktest", "--verbose", "--audit", audit]
        var transcripts: [(String, Zdsh.Output)] = []
        func go(_ name: String, _ args: [String], env e: [String: String]? = nil) throws {
            let o = try Zdsh.run(args, env: e ?? env(), timeout: 60)
            transcripts.append((name, o))
        }
        // Successful reads, with token refresh, verbose request logging.
        try go("eval-read", ["eval"] + common + ["return desk.tickets.list({limit = 5}), helpcenter.help_centers.list()"])
        // A refresh forced mid-run (every token expired), then a write.
        sim.expireTokens()
        try go("eval-after-expiry", ["eval"] + common + ["return desk.tickets.list({limit = 1})"])
        // Dry run with a plan file, then the real destructive run.
        try go("plan", ["run", runbook] + common + ["--dry-run", "--plan-out", plan, "--param", "label=\(label)", "--param", "hc=\(hc)"])
        try go("run", ["run", runbook] + common + ["--allow", "helpcenter.labels.*", "--yes", "--max-destructive", "1000",
                                                   "--param", "label=\(label)", "--param", "hc=\(hc)"])
        // Error paths: API errors, injected faults, a denied call, Lua errors showing values.
        sim.fail(status: 500, times: 10)
        try go("eval-500", ["eval"] + common + ["return desk.tickets.list()"])
        sim.clearFaults()
        sim.fail(status: 401, times: 10, errorCode: "INVALID_OAUTH")
        try go("eval-401", ["eval"] + common + ["return desk.tickets.list()"])
        sim.clearFaults()
        try go("denied", ["eval"] + common + ["return helpcenter.labels.delete('\(hc)', '\(label)')"])
        try go("lua-error", ["eval"] + common + ["error({message = 'x', env = os and os.getenv and os.getenv('ZOHO_CLIENT_SECRET')})"])
        try go("introspect", ["eval"] + common + ["local t = {} for k, v in pairs(_G) do t[#t+1] = tostring(k) .. '=' .. tostring(v) end return table.concat(t, ' ')"])
        // Bad credentials: wrong secret (tokens expired, so it must refresh), unknown refresh token.
        sim.expireTokens()
        try go("wrong-secret", ["eval"] + common + ["return desk.tickets.list()"], env: env(secret: Self.wrongSecret))
        try go("wrong-refresh", ["eval"] + common + ["return desk.tickets.list()"], env: env(refresh: "1000.fakerefresh.deadbeefcafe"))
        try go("audit-cmd", ["audit", "--help"])
        await server.stop()

        XCTAssertEqual(transcripts.first?.1.status, 0, "the read run should succeed: \(transcripts.first?.1.stderr.prefix(500) ?? "")")
        XCTAssertGreaterThan(sim.refreshCount, 0, "tokens were refreshed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: plan), "plan written")
        XCTAssertTrue(FileManager.default.fileExists(atPath: audit), "audit written")

        // Secrets: the seeded ones, and any access/refresh token the simulator issued (1000.sima… / 1000.simr…).
        let literal = [Self.clientSecret, Self.wrongSecret, refreshToken, "1000.fakerefresh.deadbeefcafe"]
        let issued = try NSRegularExpression(pattern: "1000\\.sim[ar][0-9a-f]{6,}")
        var scanned = 0, bytes = 0, hits: [String] = []
        func scan(_ what: String, _ text: String) {
            scanned += 1; bytes += text.utf8.count
            for s in literal where text.contains(s) { hits.append("\(what): contains \(s.prefix(12))…") }
            if let m = issued.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) {
                hits.append("\(what): contains issued token \((text as NSString).substring(with: m.range).prefix(14))…")
            }
        }
        for (name, o) in transcripts { scan("\(name) stdout", o.stdout); scan("\(name) stderr", o.stderr) }
        // Every file zdsh wrote except the token store (which holds them by design, mode 0600).
        let files = FileManager.default.enumerator(atPath: home)?.compactMap { $0 as? String } ?? []
        for f in files where !f.contains("tokens") && !f.hasSuffix(".sqlite") && !f.contains(".sqlite-") {
            var isDir: ObjCBool = false
            let path = home + "/" + f
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                  let d = FileManager.default.contents(atPath: path) else { continue }
            scan(f, String(decoding: d, as: UTF8.self))
        }
        XCTAssertEqual(hits, [])
        XCTAssertGreaterThan(transcripts.map { $0.1.stderr }.joined().count, 1000, "verbose output was produced")
        print("SECRETS: runs=\(transcripts.count) texts_scanned=\(scanned) bytes=\(bytes) files=\(files.count) refreshes=\(sim.refreshCount) "
              + "statuses=\(transcripts.map { "\($0.0)=\($0.1.status)" }.joined(separator: ",")) occurrences=\(hits.count)")
    }
}
