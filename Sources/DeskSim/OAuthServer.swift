import Foundation
import JSONValue

/// Zoho Accounts' token endpoint as Desk clients meet it: code exchange,
/// refresh and client-credentials grants on `POST /oauth/v2/token`, revocation
/// on `POST /oauth/v2/token/revoke`. Like Zoho, grant errors come back as
/// HTTP 200 with `{"error": "…"}`; access tokens live `tokenLifetime` seconds
/// by the injected clock. A refresh token mints at most 10 access tokens in
/// 10 minutes (`TokenThrottle`); the 11th refresh gets Zoho's HTTP 400
/// "Access Denied". Not thread-safe: the simulator's lock guards it.
final class OAuthServer {
    struct Client { let id: String; let secret: String; var redirectURI: String? }

    struct AccessToken {
        let scopes: [String]
        var expires: Date
        let refreshToken: String?
    }

    struct Grant { let clientId: String; let scopes: [String]; let expires: Date }
    struct RefreshToken { let clientId: String; let scopes: [String] }

    static let tokenLifetime: TimeInterval = 3600
    static let codeLifetime: TimeInterval = 180

    private(set) var clients: [String: Client] = [:]
    private var codes: [String: Grant] = [:]
    private var refreshTokens: [String: RefreshToken] = [:]
    private var accessTokens: [String: AccessToken] = [:]
    /// Successful refresh-token grants (single-flight refresh tests assert on it).
    private(set) var refreshCount = 0
    /// Refresh grants refused by the throttle.
    private(set) var throttledCount = 0
    var throttle = TokenThrottle()
    private var counter: UInt64 = 0
    var apiDomain: String

    init(apiDomain: String) {
        self.apiDomain = apiDomain
        addClient(id: Simulator.defaultClientId, secret: Simulator.defaultClientSecret)
    }

    func addClient(id: String, secret: String, redirectURI: String? = nil) {
        clients[id] = Client(id: id, secret: secret, redirectURI: redirectURI)
    }

    private func token(_ kind: String) -> String {
        counter += 1
        // Zoho tokens look like "1000.<32 hex>.<32 hex>"; ours are unique and readable.
        let hex = String(counter, radix: 16)
        return "1000.sim\(kind)\(String(repeating: "0", count: max(0, 12 - hex.count)))\(hex).\(String(counter &* 2654435761 % 0xFFFF_FFFF, radix: 16))"
    }

    // MARK: issuing (inspection API and grants)

    func issueAccessToken(scopes: [String], now: Date, refreshToken: String? = nil) -> String {
        let t = token("a")
        accessTokens[t] = AccessToken(scopes: scopes, expires: now + Self.tokenLifetime, refreshToken: refreshToken)
        return t
    }

    func issueRefreshToken(scopes: [String], clientId: String = Simulator.defaultClientId) -> String {
        let t = token("r")
        refreshTokens[t] = RefreshToken(clientId: clientId, scopes: scopes)
        return t
    }

    func issueGrantCode(scopes: [String], clientId: String = Simulator.defaultClientId, now: Date,
                        lifetime: TimeInterval = OAuthServer.codeLifetime) -> String {
        let c = token("c")
        codes[c] = Grant(clientId: clientId, scopes: scopes, expires: now + lifetime)
        return c
    }

    /// The live token for an `Authorization` header value, or nil when it is
    /// missing, unknown, revoked or expired.
    func validate(authorization: String?, now: Date) -> AccessToken? {
        guard let header = authorization else { return nil }
        let prefix = "Zoho-oauthtoken "
        guard header.count > prefix.count,
              header.prefix(prefix.count).caseInsensitiveCompare(prefix) == .orderedSame else { return nil }
        let value = header.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        guard let t = accessTokens[value], t.expires > now else { return nil }
        return t
    }

    func expireAll(now: Date) {
        for key in accessTokens.keys { accessTokens[key]!.expires = now }
    }

    func expire(authorization: String?, now: Date) {
        guard let value = authorization?.split(separator: " ").last.map(String.init) else { return }
        accessTokens[value]?.expires = now
    }

    // MARK: HTTP face

    /// Handles `/oauth/v2/token` and `/oauth/v2/token/revoke`; nil for other paths.
    func handle(method: String, path: String, params: [String: String], now: Date) -> Reply? {
        switch path {
        case "/oauth/v2/token":
            guard method == "POST" else { return SimError.methodNotAllowed.reply }
            return grant(params, now: now)
        case "/oauth/v2/token/revoke":
            guard method == "POST" else { return SimError.methodNotAllowed.reply }
            return revoke(params["token"])
        default:
            return nil
        }
    }

    private func grant(_ p: [String: String], now: Date) -> Reply {
        // Only a refresh that would succeed counts against (or meets) the limit.
        if p["grant_type"] == "refresh_token", let r = p["refresh_token"], let owner = refreshTokens[r]?.clientId,
           owner == p["client_id"], let secret = p["client_secret"], clients[owner]?.secret == secret,
           !throttle.admit(r, now: now) {
            throttledCount += 1
            return .json(.object(TokenThrottle.refusal.mapValues { .string($0) }), status: 400)
        }
        return .ok(grantAnswer(p, now: now))
    }

    private func grantAnswer(_ p: [String: String], now: Date) -> JSON {
        guard let id = p["client_id"], let client = clients[id], p["client_secret"] == client.secret else {
            return ["error": "invalid_client"]
        }
        switch p["grant_type"] {
        case "authorization_code":
            guard let code = p["code"], let g = codes[code], g.clientId == id, g.expires > now else {
                return ["error": "invalid_code"]
            }
            if let expected = client.redirectURI, let given = p["redirect_uri"], given != expected {
                return ["error": "invalid_redirect_uri"]
            }
            codes[code] = nil  // single use
            let refresh = issueRefreshToken(scopes: g.scopes, clientId: id)
            let access = issueAccessToken(scopes: g.scopes, now: now, refreshToken: refresh)
            return tokenResponse(access: access, refresh: refresh, scopes: g.scopes)
        case "refresh_token":
            guard let r = p["refresh_token"], let rt = refreshTokens[r], rt.clientId == id else {
                return ["error": "invalid_code"]
            }
            refreshCount += 1
            let access = issueAccessToken(scopes: rt.scopes, now: now, refreshToken: r)
            return tokenResponse(access: access, refresh: nil, scopes: rt.scopes)
        case "client_credentials":
            let scopes = (p["scope"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            guard !scopes.isEmpty else { return ["error": "invalid_scope"] }
            let access = issueAccessToken(scopes: scopes, now: now)
            return tokenResponse(access: access, refresh: nil, scopes: scopes)
        default:
            return ["error": "unsupported_grant_type"]
        }
    }

    private func tokenResponse(access: String, refresh: String?, scopes: [String]) -> JSON {
        var o: [String: JSON] = [
            "access_token": .string(access), "api_domain": .string(apiDomain), "token_type": "Bearer",
            "expires_in": .int(Int64(Self.tokenLifetime)), "scope": .string(scopes.joined(separator: " ")),
        ]
        if let refresh { o["refresh_token"] = .string(refresh) }
        return .object(o)
    }

    private func revoke(_ token: String?) -> Reply {
        guard let token else { return .json(["error": "invalid_token"], status: 400) }
        if refreshTokens.removeValue(forKey: token) != nil {
            throttle.forget(token)
            // Revoking a refresh token kills every access token minted from it.
            accessTokens = accessTokens.filter { $0.value.refreshToken != token }
            return .ok(["status": "success"])
        }
        if accessTokens.removeValue(forKey: token) != nil { return .ok(["status": "success"]) }
        return .json(["error": "invalid_token"], status: 400)
    }
}

