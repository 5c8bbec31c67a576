import DeskCatalog
import DeskCore
import DeskSim
import Foundation
import JSONValue
import LuaHost
import DeskGate
import DeskRepl
import PlanApply
import Runbooks
import ScenarioTesting
import ShellCore
import Synchronization
import XCTest

/// Issue 26, item 1: numbers from outside never end the process with a trap.
/// Two fuzz targets (part of `scripts/fuzz`, which reports a crash of the
/// test process as one): response headers and bodies a server sends, and
/// the numeric arguments of the simulator harness a scenario calls.
extension FuzzTests {
    /// Text that reads as a number, or nearly: edge values, huge and tiny
    /// exponents, NaN and infinities, signs, hex floats, HTTP dates far away.
    static func hostileNumber(_ r: inout SplitMix64) -> String {
        let edges = ["inf", "-inf", "+inf", "infinity", "nan", "-nan", "NaN", "1e300", "-1e300", "1e308", "1e309", "4.9e-324",
                     "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616",
                     "1e19", "9.3e18", "0", "-0", "-1", "0x1p62", "0x10", "1_000", " 5 ", "", "5e", ".", "1e-300",
                     "Fri, 31 Dec 9999 23:59:59 GMT", "Sat, 01 Jan 0000 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT",
                     "2026-11-28T00:00:00Z", "99999-01-01T00:00:00Z"]
        switch r.int(0...4) {
        case 0: return r.pick(edges)
        case 1: return "\(r.chance(0.3) ? "-" : "")\(r.int(0...9))e\(r.int(-400...400))"
        case 2: return String(repeating: "9", count: r.int(1...40))
        case 3: return String(Double(bitPattern: r.next()))
        default: return String(Int64(bitPattern: r.next()))
        }
    }

    /// A `DeskClient` whose every answer (token endpoint included) carries
    /// hostile numbers: Retry-After, X-RateLimit-Reset, Content-Length,
    /// `resetTime`/`retryAfter` in the body, `expires_in` in the token. Each
    /// call returns or throws a `DeskError`; a trap ends the test process.
    func testHostileResponseHeaders() async throws {
        var r = SplitMix64(seed: Fuzz.seed &+ 26)
        let tally = Fuzz.Tally("response.headers")
        guard let op = Catalog.shared.operation(id: "getTicket") else { return XCTFail("no getTicket") }
        var options = DeskClientOptions.fast(attempts: 3)
        options.sleep = { _ in }
        options.limiter = ConcurrencyLimiter(limit: 4)
        for _ in 0..<Fuzz.iterations(1500) {
            let status = r.pick([200, 201, 204, 400, 401, 404, 429, 429, 500, 503])
            let code = status == 429 ? r.pick(["TOO_MANY_REQUESTS", "THRESHOLD_EXCEEDED"]) : "FAILED"
            let number = Self.hostileNumber(&r)
            let lifetime = Self.hostileNumber(&r)
            let headers = [Header("Content-Type", "application/json"), Header("Retry-After", number),
                           Header("X-RateLimit-Reset", Self.hostileNumber(&r)), Header("Content-Length", Self.hostileNumber(&r))]
            let numeric = Double(number).map { $0.isFinite ? "\($0)" : "1e999" } ?? "\"\(number)\""
            let body = status < 300
                ? #"{"id":"1","count":\#(numeric)}"#
                : #"{"errorCode":"\#(code)","message":"no","resetTime":\#(numeric),"retryAfter":"\#(number)"}"#
            let tokenBody = #"{"access_token":"1000.fuzz","expires_in":\#(Double(lifetime).map { $0.isFinite ? "\($0)" : "1e999" } ?? "3600")}"#
            let transport = ScriptedTransport { request in
                if request.url.contains("/oauth/") { return WireResponse(status: 200, headers: headers, body: Array(tokenBody.utf8)) }
                return WireResponse(status: status, headers: headers, body: Array(body.utf8))
            }
            let fresh = r.chance(0.3)
            let connection = Connection(clientId: "1000.FUZZ", clientSecret: "s", refreshToken: "1000.r",
                                        accessToken: fresh ? nil : "1000.a", accessTokenExpiry: fresh ? nil : Date().addingTimeInterval(3600),
                                        orgId: "60001234")
            let client = DeskClient(connection: connection, transport: transport, options: options)
            let input = "status=\(status) \(code) Retry-After=\(number) expires_in=\(lifetime)"
            do {
                _ = try await client.call(op, path: ["ticketId": "1"])
                tally.ok("answered")
            } catch let e as DeskError {
                if e.message.isEmpty { tally.fail("empty error", input: input) } else { tally.ok("error \(e.kind.rawValue)") }
            } catch {
                tally.fail("not a DeskError: \(error)", input: input)
            }
        }
        tally.report()
    }

    /// The simulator harness's numbers (`sim.latency`, `sim.fail`,
    /// `sim.reset_connection`, `sim.expire_token`) from a scenario: in range
    /// they are taken, out of range refused naming the function; a request
    /// after each refused one still goes through (a trap would end here).
    func testSimulatorHarnessNumbers() throws {
        var r = SplitMix64(seed: Fuzz.seed &+ 27)
        let tally = Fuzz.Tally("sim.harness")
        let lua = ["math.maxinteger", "math.mininteger", "-1", "0", "1", "600000", "600001", "2^53", "-(2^53)", "1e300", "0/0",
                   "math.huge", "-math.huge", "0.5", "99", "100", "599", "600", "'12'", "nil", "{}", "true"]
        var cases: [String] = []
        for _ in 0..<Fuzz.iterations(300, scaledBy: 20) {
            switch r.int(0...3) {
            case 0: cases.append("sim.latency(\(r.pick(lua)), \(r.pick(lua)))")
            case 1: cases.append("sim.fail{status = \(r.pick(lua)), \(r.chance(0.5) ? "times" : "probability") = \(r.pick(lua))}")
            case 2: cases.append("sim.reset_connection{op = 'getTickets', \(r.chance(0.5) ? "times" : "probability") = \(r.pick(lua))}")
            default: cases.append("sim.expire_token{op = 'getTickets', times = \(r.pick(lua))}")
            }
        }
        let folder = NSTemporaryDirectory() + "zdsh-simfuzz-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let list = cases.map { "  function() \($0) end," }.joined(separator: "\n")
        let file = folder + "/numbers_test.lua"
        try """
            local cases = {
            \(list)
            }
            describe("simulator harness numbers", function()
              it("takes numbers in range and refuses the rest", function()
                local taken, refused, odd = 0, 0, {}
                for i, f in ipairs(cases) do
                  local ok, err = pcall(f)
                  if ok then taken = taken + 1
                  elseif tostring(err):find("sim[%._]") then refused = refused + 1
                  else odd[#odd + 1] = i .. ": " .. tostring(err) end
                  -- Whatever was set, nothing delays or fails the probe below.
                  sim.latency(0, 0)
                end
                if #odd > 0 then error("not refused by name: " .. table.concat(odd, "; "), 0) end
                sim.latency(math.maxinteger)   -- refused before it reaches the simulator
              end)
              it("still answers after a refused latency", function()
                pcall(sim.latency, math.maxinteger, math.maxinteger)
                pcall(sim.latency, 10, math.maxinteger)
                expect(#desk.tickets.list{ limit = 1 }).to_be(1)
              end)
            end)
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let report = try ScenarioRunner(options: .init(limits: Limits(timeout: 60))).run(paths: [file])
        let results = report.results
        XCTAssertEqual(results.count, 2)
        for result in results {
            if result.name.contains("refuses the rest") {
                // The last line is refused: the scenario fails with the harness's message, not a trap.
                XCTAssertEqual(result.status, .failed)
                XCTAssertTrue(result.failure?.message.contains("sim.latency") == true, "\(String(describing: result.failure))")
            } else {
                XCTAssertEqual(result.status, .passed, "\(String(describing: result.failure))")
            }
        }
        for _ in cases { tally.ok() }
        tally.report()
    }
}

/// Answers every request with what `handler` makes of it.
private struct ScriptedTransport: Transport {
    let handler: @Sendable (WireRequest) -> WireResponse
    init(_ handler: @escaping @Sendable (WireRequest) -> WireResponse) { self.handler = handler }
    func send(_ request: WireRequest) async throws -> WireResponse { handler(request) }
}
