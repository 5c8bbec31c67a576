import DeskCore
import Foundation
import JSONValue
import XCTest
@testable import DeskSim

/// A simulator on a manual clock with a ready token, and a terse way to call it
/// through the in-process transport.
struct SimHarness {
    let clock = ManualClock()
    let sim: Simulator
    let token: String

    init(fixture: Fixture = .demo, configure: (inout Simulator.Configuration) -> Void = { _ in }) {
        var config = Simulator.Configuration()
        configure(&config)
        sim = Simulator(fixture: fixture, clock: clock, configuration: config)
        token = sim.issueToken()
    }

    struct Result {
        let status: Int
        let json: JSON?
        let raw: WireResponse
        var errorCode: String? { json?["errorCode"]?.stringValue }
    }

    func request(_ method: String, _ path: String, body: JSON? = nil, token: String?? = nil, orgId: String?? = nil,
                 headers extra: [Header] = []) -> WireRequest {
        var headers = extra
        if let t = token ?? self.token { headers.append(Header("Authorization", "Zoho-oauthtoken \(t)")) }
        if let o = orgId ?? sim.orgId { headers.append(Header("orgId", o)) }
        if body != nil { headers.append(Header("Content-Type", "application/json")) }
        return WireRequest(method: method, url: sim.apiURL + path, headers: headers, body: body?.encodedBytes())
    }

    @discardableResult
    func call(_ method: String, _ path: String, body: JSON? = nil, token: String?? = nil, orgId: String?? = nil) async throws -> Result {
        let r = try await sim.transport.send(request(method, path, body: body, token: token, orgId: orgId))
        return Result(status: r.status, json: r.body.isEmpty ? nil : try JSON.parse(r.body), raw: r)
    }

    /// POSTs a form to the accounts server's token endpoint.
    func oauth(_ path: String, _ params: [String: String]) async throws -> Result {
        let form = params.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.value)" }
            .joined(separator: "&")
        let req = WireRequest(method: "POST", url: sim.accountsURL + path,
                              headers: [Header("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
        let r = try await sim.transport.send(req)
        return Result(status: r.status, json: r.body.isEmpty ? nil : try JSON.parse(r.body), raw: r)
    }
}

func ids(_ json: JSON?, key: String = "data") -> [String] {
    (json?[key]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
}

let demo = DemoFixture.self
