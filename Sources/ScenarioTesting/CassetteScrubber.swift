import DeskCore
import Foundation
import JSONValue

/// Turns wire traffic into cassette entries with every secret removed:
/// request headers are dropped entirely (Authorization among them), OAuth
/// parameters (tokens, client secret, grant code) are replaced in queries,
/// form bodies and JSON bodies, and any literal occurrence of a token the
/// request carried is replaced wherever it appears.
///
/// Replay runs live requests through the same function, so a recorded
/// request and its replay compare equal although neither holds a secret.
package enum CassetteScrubber {
    static let placeholder = "<scrubbed>"

    /// Keys whose values are secrets wherever they appear.
    static let secretKeys: Set<String> = ["access_token", "refresh_token", "client_secret", "id_token", "password"]
    /// Keys that are secrets in OAuth requests (a grant `code` elsewhere is data).
    /// `client_id` is no secret, but replay runs as a different client: it is
    /// blanked so the recorded refresh matches the replayed one.
    static let oauthKeys: Set<String> = ["code", "client_assertion", "client_id"]
    /// Response headers worth keeping: what the client reads.
    static let keptResponseHeaders: Set<String> = ["content-type", "retry-after", "location", "content-disposition"]

    static func request(_ wire: WireRequest) -> (Cassette.Request, secrets: [String]) {
        let components = URLComponents(string: wire.url)
        let path = components?.percentEncodedPath ?? wire.url
        let oauth = path.hasPrefix("/oauth/")
        var secrets: [String] = []
        if let auth = wire.header("Authorization") {
            let token = auth.split(separator: " ").last.map(String.init) ?? auth
            if token.count >= 8 { secrets.append(token) }
            if auth.count >= 8 { secrets.append(auth) }
        }
        func isSecret(_ key: String) -> Bool {
            let k = key.lowercased()
            return secretKeys.contains(k) || (oauth && oauthKeys.contains(k))
        }
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] {
            let value = item.value ?? ""
            if isSecret(item.name) {
                if value.count >= 4 { secrets.append(value) }
                query[item.name] = placeholder
            } else {
                query[item.name] = value
            }
        }
        var body: Cassette.Body?
        if let bytes = wire.body, !bytes.isEmpty {
            let type = wire.header("Content-Type")?.lowercased() ?? ""
            if type.contains("x-www-form-urlencoded") || (oauth && (try? JSON.parse(bytes)) == nil) {
                var form: [String: JSON] = [:]
                for (k, v) in parseForm(String(decoding: bytes, as: UTF8.self)) {
                    if isSecret(k) {
                        if v.count >= 4 { secrets.append(v) }
                        form[k] = .string(placeholder)
                    } else {
                        form[k] = .string(v)
                    }
                }
                body = .json(.object(form))
            } else if type.hasPrefix("multipart/form-data") {
                body = Cassette.Body(bytes: MultipartBody.normalized(bytes, contentType: wire.header("Content-Type") ?? ""))
            } else {
                body = Cassette.Body(bytes: bytes).map { scrub($0, oauth: oauth, collecting: &secrets) }
            }
        }
        var request = Cassette.Request(method: wire.method, path: path, query: query, body: body)
        request.body = request.body.map { replacing(secrets, in: $0) }
        request.query = request.query.mapValues { replacing(secrets, in: $0) }
        return (request, secrets)
    }

    static func response(_ wire: WireResponse, secrets: [String]) -> Cassette.Response {
        var headers: [String: String] = [:]
        for h in wire.headers {
            let name = h.name.lowercased()
            if keptResponseHeaders.contains(name) || name.hasPrefix("x-rate") { headers[h.name] = replacing(secrets, in: h.value) }
        }
        var collected = secrets
        let body = Cassette.Body(bytes: wire.body).map { scrub($0, oauth: false, collecting: &collected) }
        return Cassette.Response(status: wire.status, headers: headers, body: body.map { replacing(collected, in: $0) })
    }

    // MARK: - Pieces

    private static func scrub(_ body: Cassette.Body, oauth: Bool, collecting secrets: inout [String]) -> Cassette.Body {
        guard case .json(let j) = body else { return body }
        return .json(scrub(j, oauth: oauth, collecting: &secrets))
    }

    private static func scrub(_ j: JSON, oauth: Bool, collecting secrets: inout [String]) -> JSON {
        switch j {
        case .object(let o):
            var out: [String: JSON] = [:]
            for (k, v) in o {
                let key = k.lowercased()
                if secretKeys.contains(key) || (oauth && oauthKeys.contains(key)) {
                    if let s = v.stringValue, s.count >= 4 { secrets.append(s) }
                    out[k] = .string(placeholder)
                } else {
                    out[k] = scrub(v, oauth: oauth, collecting: &secrets)
                }
            }
            return .object(out)
        case .array(let a):
            return .array(a.map { scrub($0, oauth: oauth, collecting: &secrets) })
        default:
            return j
        }
    }

    private static func replacing(_ secrets: [String], in body: Cassette.Body) -> Cassette.Body {
        guard !secrets.isEmpty else { return body }
        switch body {
        case .json(let j): return .json(replacing(secrets, in: j))
        case .text(let t): return .text(replacing(secrets, in: t))
        case .binary: return body
        }
    }

    private static func replacing(_ secrets: [String], in j: JSON) -> JSON {
        switch j {
        case .string(let s): return .string(replacing(secrets, in: s))
        case .array(let a): return .array(a.map { replacing(secrets, in: $0) })
        case .object(let o): return .object(o.mapValues { replacing(secrets, in: $0) })
        default: return j
        }
    }

    private static func replacing(_ secrets: [String], in s: String) -> String {
        var out = s
        // Longest first, so "Zoho-oauthtoken X" goes before "X".
        for secret in secrets.sorted(by: { $0.count > $1.count }) where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: placeholder)
        }
        return out
    }

    static func parseForm(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            func decode(_ s: String) -> String {
                s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? s
            }
            return (decode(kv[0]), kv.count > 1 ? decode(kv[1]) : "")
        }
    }
}
