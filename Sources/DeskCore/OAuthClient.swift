import Foundation
import JSONValue

/// Talks to Zoho Accounts: code exchange, refresh, client credentials and
/// revocation. Credentials travel in a form body, never in the URL, so they
/// cannot end up in proxy logs or our own request log.
public struct OAuthClient: Sendable {
    public let accountsURL: String
    public let transport: Transport
    public let log: RequestLogSink
    private let redactor: Redactor

    public init(accountsURL: String, transport: Transport, log: RequestLogSink = SilentLogSink(),
                redactor: Redactor = Redactor()) {
        self.accountsURL = Connection.trimmed(accountsURL)
        self.transport = transport
        self.log = log
        self.redactor = redactor
    }

    /// Self-client (or web) authorization code → access + refresh token.
    public func exchangeCode(_ code: Secret, clientId: String, clientSecret: Secret,
                             redirectURI: String? = nil) async throws -> TokenGrant {
        var form = ["grant_type": "authorization_code", "client_id": clientId,
                    "client_secret": clientSecret.reveal, "code": code.reveal]
        if let redirectURI { form["redirect_uri"] = redirectURI }
        var r = redactor; r.add(code); r.add(clientSecret)
        return try await token(form: form, redactor: r)
    }

    public func refresh(refreshToken: Secret, clientId: String, clientSecret: Secret) async throws -> TokenGrant {
        var r = redactor; r.add(refreshToken); r.add(clientSecret)
        return try await token(form: ["grant_type": "refresh_token", "client_id": clientId,
                                      "client_secret": clientSecret.reveal, "refresh_token": refreshToken.reveal],
                               redactor: r)
    }

    /// Client-credentials grant (self client, no refresh token). `soid` is
    /// "<service>.<orgId>" for multi-org services, e.g. "ZohoDesk.60001234".
    public func clientCredentials(clientId: String, clientSecret: Secret, scopes: [String],
                                  soid: String? = nil) async throws -> TokenGrant {
        var form = ["grant_type": "client_credentials", "client_id": clientId,
                    "client_secret": clientSecret.reveal, "scope": scopes.joined(separator: ",")]
        if let soid { form["soid"] = soid }
        var r = redactor; r.add(clientSecret)
        return try await token(form: form, redactor: r)
    }

    /// Revokes a refresh token (and with it every access token minted from it).
    public func revoke(token: Secret) async throws {
        var r = redactor; r.add(token)
        let response = try await post("/oauth/v2/token/revoke", form: ["token": token.reveal], redactor: r)
        // Success is `{"status":"success"}`; errors may still come with 200.
        _ = response
    }

    private func token(form: [String: String], redactor: Redactor) async throws -> TokenGrant {
        let response = try await post("/oauth/v2/token", form: form, redactor: redactor)
        return try TokenGrant.parse(status: response.status, body: response.body, redactor: redactor)
    }

    private func post(_ path: String, form: [String: String], redactor: Redactor) async throws -> WireResponse {
        let request = WireRequest(
            method: "POST", url: accountsURL + path,
            headers: [Header("Content-Type", "application/x-www-form-urlencoded"), Header("Accept", "application/json")],
            body: Array(PercentEncoding.query(form).utf8))
        let started = ContinuousClock.now
        log.record(RequestEvent(phase: .refresh, method: "POST", path: path, note: "grant \(form["grant_type"] ?? "revoke")"))
        let response: WireResponse
        do {
            response = try await transport.send(request)
        } catch {
            log.record(RequestEvent(phase: .failure, method: "POST", path: path, duration: ContinuousClock.now - started,
                                    note: redactor.scrub(String(describing: error))))
            throw OAuthError(code: "network", detail: redactor.scrub(String(describing: error)))
        }
        let errorField = (try? JSONValue.JSON.parse(response.body))?["error"]?.stringValue
        log.record(RequestEvent(phase: .response, method: "POST", path: path, status: response.status,
                                errorCode: errorField, duration: ContinuousClock.now - started))
        if path.hasSuffix("/revoke") {
            if let errorField { throw OAuthError(code: errorField, status: response.status) }
            guard (200..<300).contains(response.status) else {
                throw OAuthError(code: "http_\(response.status)", status: response.status)
            }
        }
        return response
    }
}
