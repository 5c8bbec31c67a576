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

/// Lua's `each…`/`all…` walk lists by the same `PageCursor` as the client:
/// from 1, the operation's maximum limit, an error naming the operation when
/// the server repeats a page (issue 16). And the help-center argument that
/// label and group endpoints ignore is checked, not dropped.
final class PagingTests: XCTestCase {
    static let hc = "1892000000150001", label = "1892000000190001", group = "1892000000200001"
    static let user = "1892000000180001"

    final class Tap: Transport, @unchecked Sendable {
        let inner: Transport
        private var sent: [WireRequest] = []
        private let lock = NSLock()
        init(_ inner: Transport) { self.inner = inner }
        func send(_ request: WireRequest) async throws -> WireResponse {
            lock.withLock { sent.append(request) }
            return try await inner.send(request)
        }
        var requests: [WireRequest] { lock.withLock { sent } }
        func query(_ r: WireRequest) -> [String: String] {
            Dictionary((URLComponents(string: r.url)?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
        }
    }

    private func session(_ sim: Simulator, allow: [String] = []) throws -> (Session, Tap) {
        let base = Backend.simulator(sim, options: .fast())
        let tap = Tap(base.client.transport)
        let client = DeskClient(connection: base.client.connection, transport: tap, options: base.client.options)
        let s = try Session(client: client, policy: Policy(grants: try allow.map(Policy.Pattern.init)),
                            limits: Limits(timeout: 20), output: { _ in })
        return (s, tap)
    }

    private func value(_ r: Result<[RunValue], LuaError>, file: StaticString = #filePath, line: UInt = #line) -> JSON? {
        switch r {
        case .success(let v): if case .json(let j)? = v.first { return j }; return nil
        case .failure(let e): XCTFail("\(e)", file: file, line: line); return nil
        }
    }

    /// `getAgents` documents `from` minimum 0; the pager still starts at 1,
    /// with the documented maximum of 200.
    func testAllStartsFromOneWithTheMaximumLimit() throws {
        let (s, tap) = try session(Simulator())
        let count = value(s.run("return #desk.agents.all()", name: "=t"))
        XCTAssertGreaterThan(count?.intValue ?? 0, 0)
        let first = try XCTUnwrap(tap.requests.first { $0.url.contains("/api/v1/agents") })
        XCTAssertEqual(tap.query(first)["from"], "1")
        XCTAssertEqual(tap.query(first)["limit"], "200")
    }

    /// Every page of a long list, once each, in pages of the maximum (50).
    func testEachWalksAllPages() throws {
        let (s, tap) = try session(Simulator(fixture: .bulk(labelUsers: 120)))
        let n = value(s.run("""
            local n = 0
            for u in helpcenter.labels.each_users("\(Self.hc)", "\(Self.label)") do n = n + 1 end
            return n
            """, name: "=t"))
        let pages = tap.requests.filter { $0.url.contains("/users?") }
        XCTAssertEqual(pages.map { tap.query($0)["from"] }, ["1", "51", "101"])
        XCTAssertEqual(Set(pages.map { tap.query($0)["limit"] }), ["50"])
        XCTAssertGreaterThanOrEqual(n?.intValue ?? 0, 120)
    }

    func testServerIgnoringFromIsAnErrorNamingTheOperation() throws {
        let sim = Simulator(fixture: .bulk(labelUsers: 120))
        sim.addFault(FaultRule(operation: "getUsersByLabel", kind: .ignoreFrom, times: nil))
        let (s, tap) = try session(sim)
        guard case .failure(let e) = s.run("""
            local n = 0
            for u in helpcenter.labels.each_users("\(Self.hc)", "\(Self.label)") do n = n + 1 end
            return n
            """, name: "=t") else { return XCTFail("a repeated page must stop the loop") }
        XCTAssertTrue("\(e)".contains("getUsersByLabel"), "\(e)")
        XCTAssertTrue("\(e)".contains("same page twice"), "\(e)")
        XCTAssertEqual(tap.requests.filter { $0.url.contains("/users?") }.count, 2, "stopped at the repeat")
    }

    func testPagingArgumentsAreChecked() throws {
        let (s, _) = try session(Simulator())
        guard case .failure(let e) = s.run("return desk.agents.all{limit = 0}", name: "=t") else { return XCTFail("limit 0") }
        XCTAssertTrue("\(e)".contains("limit"), "\(e)")
    }

    /// The label's own read says which help center it belongs to: a wrong
    /// help-center id stops the removal before anything is sent.
    func testLabelRemovalInAnotherHelpCenterIsRefusedBeforeSending() throws {
        let (s, tap) = try session(Simulator(), allow: ["helpcenter.labels.remove_users"])
        guard case .failure(let e) = s.run("""
            return helpcenter.labels.remove_users("1892000000159999", "\(Self.label)", {"\(Self.user)"})
            """, name: "=t") else { return XCTFail("a label of another help center must not be touched") }
        XCTAssertTrue("\(e)".contains("belongs to help center \(Self.hc)"), "\(e)")
        XCTAssertEqual(tap.requests.filter { $0.method != "GET" }.count, 0, "nothing destructive was sent")
    }

    func testGroupRemovalInTheRightHelpCenterGoesThrough() throws {
        let (s, tap) = try session(Simulator(), allow: ["helpcenter.groups.remove_users"])
        _ = value(s.run("""
            return helpcenter.groups.remove_users("\(Self.hc)", "\(Self.group)", {"\(Self.user)"})
            """, name: "=t"))
        XCTAssertEqual(tap.requests.filter { $0.method == "POST" }.count, 1)
        XCTAssertTrue(tap.requests.contains { $0.method == "GET" && $0.url.hasSuffix("/api/v1/groups/\(Self.group)") })
    }

    /// One read per label for all of a session's calls; a new session (a
    /// new run, replaying a cassette) reads again instead of trusting a
    /// check another session made, even one whose client had the same address.
    func testEachSessionChecksTheHelpCenterOnce() throws {
        let sim = Simulator()
        for _ in 0..<2 {
            let (s, tap) = try session(sim, allow: ["helpcenter.labels.remove_users"])
            _ = value(s.run("""
                for i = 1, 3 do helpcenter.labels.remove_users("\(Self.hc)", "\(Self.label)", {"\(Self.user)"}) end
                """, name: "=t"))
            XCTAssertEqual(tap.requests.filter { $0.method == "GET" && $0.url.hasSuffix("/api/v1/labels/\(Self.label)") }.count, 1)
            XCTAssertEqual(tap.requests.filter { $0.method == "POST" }.count, 3)
        }
    }

    func testApiShowSaysWhereTheHelpCenterIsNotUsed() {
        XCTAssertTrue(ApiHelp.describe("helpcenter.labels.remove_users")?.contains("checked before sending") == true)
        XCTAssertTrue(ApiHelp.describe("helpcenter.users.remove_badges")?.contains("not sent and not checked") == true)
    }
}
