import DeskCore
import Foundation
import JSONValue

/// A request as the simulator sees it: the URL already split into path and
/// decoded query. Parsing is by hand (no URLComponents) to keep the loopback
/// server cheap per request.
struct SimRequest {
    var method: String
    var path: String
    var query: [String: String]
    var headers: [Header]
    var body: [UInt8]?

    init(_ wire: WireRequest) {
        method = wire.method.uppercased()
        headers = wire.headers
        body = wire.body
        var rest = Substring(wire.url)
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        if let q = rest.firstIndex(of: "?") {
            path = String(rest[..<q])
            query = SimRequest.parseForm(rest[rest.index(after: q)...])
        } else {
            path = String(rest)
            query = [:]
        }
        if path.count > 1, path.hasSuffix("/") { path.removeLast() }
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// `a=1&b=x%20y` → ["a": "1", "b": "x y"]; the last value wins.
    static func parseForm<S: StringProtocol>(_ text: S) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(kv[0])
            out[key] = kv.count > 1 ? decode(kv[1]) : ""
        }
        return out
    }

    static func decode<S: StringProtocol>(_ s: S) -> String {
        if !s.contains("%") && !s.contains("+") { return String(s) }
        let plus = s.replacingOccurrences(of: "+", with: " ")
        return plus.removingPercentEncoding ?? plus
    }
}
