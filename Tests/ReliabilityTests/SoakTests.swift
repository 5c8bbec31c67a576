import DeskCatalog
import DeskCore
import DeskSim
import Foundation
import JSONValue
import LuaHost
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// Wraps the simulator's transport: expires every access token before each
/// `expireEvery`-th request, and (for `loseOp`) lets a few requests be
/// applied by the simulator but "loses" the answer as a connection reset —
/// the case where blind retrying would apply a removal twice.
final class ChaosTransport: Transport, @unchecked Sendable {
    let inner: Transport
    let sim: Simulator
    let expireEvery: Int
    let loseOp: String?
    let loseProbability: Double
    private let lock = NSLock()
    private var count = 0
    private var rng: SplitMix64
    private(set) var expired = 0
    private(set) var lost = 0

    init(sim: Simulator, expireEvery: Int, loseOp: String?, loseProbability: Double, seed: UInt64) {
        self.inner = sim.transport; self.sim = sim; self.expireEvery = expireEvery
        self.loseOp = loseOp; self.loseProbability = loseProbability; rng = SplitMix64(seed: seed)
    }

    static func apiPath(_ url: String) -> String { URLComponents(string: url)?.path ?? url }

    func send(_ request: WireRequest) async throws -> WireResponse {
        let (expire, lose): (Bool, Bool) = lock.withLock {
            count += 1
            let e = count % expireEvery == 0
            if e { expired += 1 }
            var l = false
            if let loseOp, request.method != "GET",
               Catalog.shared.match(method: request.method, path: Self.apiPath(request.url))?.operation.id == loseOp {
                l = rng.chance(loseProbability)
            }
            return (e, l)
        }
        if expire { sim.expireTokens() }
        let response = try await inner.send(request)
        if lose, (200..<300).contains(response.status) {
            lock.withLock { lost += 1 }
            throw TransportError.connectionReset
        }
        return response
    }
}

/// Fault soak: remove N users from a label through the sandbox while the
/// simulator answers 30% 429, 5% 500, resets connections, expires the token
/// every 200 requests and loses some answers after applying them. Every
/// removal must be applied exactly once, and every attempt audited.
final class SoakTests: XCTestCase {
    static let removeOp = "removeLabelsFromUsers"

    func testLabelRemovalSoakExactlyOnce() throws {
        let env = ProcessInfo.processInfo.environment
        let users = Int(env["ZDSH_SOAK_USERS"] ?? "") ?? 5000
        var config = Simulator.Configuration()
        config.concurrencyLimit = 1000
        config.requestLogLimit = 1_000_000
        config.seed = Fuzz.seed
        // The chaos transport expires the token every 200 requests, far more
        // often than Zoho's 10 refreshes per 10 minutes allow: lift that limit.
        config.tokensPerWindow = nil
        let sim = Simulator(fixture: .bulk(labelUsers: users), configuration: config)
        sim.setLatency(ms: 0)
        let hc = try XCTUnwrap(sim.resource("helpCenters").first?["id"]?.stringValue)
        let pairs = sim.resource("labelUsers")
        let byLabel = Dictionary(grouping: pairs, by: { $0["labelId"]?.stringValue ?? "" })
        let (label, members) = try XCTUnwrap(byLabel.max { $0.value.count < $1.value.count })
        let memberIds = Set(members.compactMap { $0["userId"]?.stringValue })
        XCTAssertGreaterThanOrEqual(memberIds.count, users)

        // Faults on every operation, reads included.
        sim.fail(status: 429, probability: 0.30)
        sim.fail(status: 500, probability: 0.05)
        sim.resetConnection(probability: 0.02)
        let chaos = ChaosTransport(sim: sim, expireEvery: 200, loseOp: Self.removeOp, loseProbability: 0.01, seed: Fuzz.seed)

        let connection = Connection(
            profile: "sim", accountsURL: sim.accountsURL, apiURL: sim.apiURL,
            clientId: sim.clientId, clientSecret: sim.clientSecret,
            refreshToken: sim.issueRefreshToken(), accessToken: sim.issueToken(),
            grantedScopes: sim.allScopes, orgId: sim.orgId)
        var options = DeskClientOptions.fast()
        options.operationResolver = { Catalog.shared.match(method: $0, path: $1)?.operation }
        options.maxConcurrentCalls = 10
        let client = DeskClient(connection: connection, transport: chaos, options: options)

        let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()
        let auditPath = dir + "zdsh-soak-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: auditPath) }
        var settings = CallGate.Settings()
        settings.maxDestructive = .max
        let session = try Session(client: client, policy: Policy(grants: [try Policy.Pattern("helpcenter.labels.*")]),
                                  settings: settings, audit: try AuditLog(path: auditPath),
                                  limits: Limits(timeout: 240), output: { _ in })

        // The runbook: remove each member once; on failures, re-read the
        // label (the state is the authority — an answer may have been lost
        // after the removal was applied) and retry only those still members.
        let code = """
        local hc, label = ...
        local function members()
          for attempt = 1, 50 do
            local ok, r = pcall(function()
              local ids = {}
              for u in helpcenter.labels.each_users(hc, label) do ids[#ids + 1] = u.id end
              return ids
            end)
            if ok then return r end
          end
          error("could not read the label's users", 0)
        end
        local pending = members()
        local total, passes, failures = #pending, 0, 0
        while #pending > 0 do
          passes = passes + 1
          if passes > 30 then error(("%d removals still failing after 30 passes"):format(#pending), 0) end
          local _, errors = desk.each(pending, function(id)
            return helpcenter.labels.remove_users(hc, label, { id })
          end, { concurrency = 10 })
          if not errors then pending = {} break end
          local still = {}
          for _, id in ipairs(members()) do still[id] = true end
          local retry = {}
          for i, _ in pairs(errors) do
            failures = failures + 1
            if still[pending[i]] then retry[#retry + 1] = pending[i] end
          end
          pending = retry
        end
        return { total = total, passes = passes, failures = failures, left = #members() }
        """
        let start = Date()
        let result = session.run(code, name: "=soak", arguments: [.string(hc), .string(label)])
        let seconds = Date().timeIntervalSince(start)
        guard case .success(let values) = result, case .json(let summary)? = values.first else {
            return XCTFail("soak runbook failed: \(result)")
        }

        // 1. State: the label is empty.
        let remaining = sim.resource("labelUsers").filter { $0["labelId"]?.stringValue == label }
        XCTAssertEqual(remaining.count, 0)
        XCTAssertEqual(summary["left"], .int(0))
        XCTAssertEqual(summary["total"]?.intValue, Int64(memberIds.count))

        // 2. Request log: exactly one successful removal request per member
        //    (each request carries one id, so N successes emptying N members
        //    means none was applied twice).
        let log = sim.requestLog
        let removals = log.filter { $0.operationId == Self.removeOp }
        let applied = removals.filter { (200..<300).contains($0.status) }
        XCTAssertEqual(applied.count, memberIds.count, "successful removal requests")
        XCTAssertTrue(removals.allSatisfy { $0.path.contains(label) })

        // 3. Audit: an intent and an outcome for every attempt the gate sent.
        let records = try AuditLog.tail(path: auditPath, count: .max)
        let intents = records.filter { $0["phase"] == "intent" && $0["operation"]?.stringValue == Self.removeOp }
        let outcomes = records.filter { $0["phase"] == "outcome" && $0["operation"]?.stringValue == Self.removeOp }
        XCTAssertEqual(intents.count, outcomes.count)
        var perUser: [String: (intents: Int, outcomes: Int, ok: Int)] = [:]
        // `ids` lists the path ids too (help center, label): count members only.
        for r in intents { for id in r["ids"]?.arrayValue ?? [] where memberIds.contains(id.stringValue ?? "") { perUser[id.stringValue ?? "", default: (0, 0, 0)].intents += 1 } }
        for r in outcomes {
            let ok = (r["status"]?.intValue).map { (200..<300).contains($0) } ?? false
            for id in r["ids"]?.arrayValue ?? [] where memberIds.contains(id.stringValue ?? "") {
                perUser[id.stringValue ?? "", default: (0, 0, 0)].outcomes += 1
                if ok { perUser[id.stringValue ?? "", default: (0, 0, 0)].ok += 1 }
            }
        }
        XCTAssertEqual(Set(perUser.keys), memberIds, "every member has audit records")
        XCTAssertTrue(perUser.values.allSatisfy { $0.intents == $0.outcomes && $0.ok <= 1 && $0.intents >= 1 })
        // Every success seen by the client is an applied request; lost answers make up the rest.
        let clientOK = perUser.values.reduce(0) { $0 + $1.ok }
        XCTAssertEqual(clientOK + chaos.lost, memberIds.count)

        let stats = sim.stats
        let statuses = Dictionary(grouping: removals, by: \.status).mapValues(\.count).sorted { $0.key < $1.key }
        print("SOAK label-removal: users=\(memberIds.count) seconds=\(String(format: "%.1f", seconds)) requests=\(log.count) "
              + "removal_requests=\(removals.count) applied=\(applied.count) statuses=\(statuses) lost_answers=\(chaos.lost) "
              + "token_expiries=\(chaos.expired) refreshes=\(stats.refreshes) faults=\(stats.faultsInjected) "
              + "audit_intents=\(intents.count) audit_outcomes=\(outcomes.count) passes=\(summary["passes"] ?? .null) "
              + "failed_attempts=\(summary["failures"] ?? .null)")
    }
}
