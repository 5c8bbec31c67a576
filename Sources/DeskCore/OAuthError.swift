import Foundation

/// A refusal from Zoho Accounts. Zoho often sends these with HTTP 200 and a
/// body like `{"error":"invalid_client"}`, so the OAuth client checks every
/// answer for an `error` field regardless of status.
public struct OAuthError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// Zoho's error string ("invalid_client", "invalid_code", …) or our own
    /// ("no_refresh_token", "malformed_response", "http_<status>").
    public let code: String
    public let status: Int?
    /// Extra words from Zoho (`error_description`), scrubbed of secrets.
    public let detail: String?
    /// When a refused refresh may be tried again (set while a remembered
    /// back-off is in force; calls fail at once until then).
    public let retryAt: Date?

    public init(code: String, status: Int? = nil, detail: String? = nil, retryAt: Date? = nil) {
        self.code = Self.normalized(code); self.status = status; self.detail = detail; self.retryAt = retryAt
    }

    /// Zoho's answer to too many refreshes: the refresh token is blocked for
    /// the rest of its 10-minute window. On the token endpoint `access_denied`
    /// means nothing else (no user is asked for consent during a refresh).
    public var isThrottling: Bool { code == "access_denied" }

    /// Zoho spells some codes as words: its token throttling answers
    /// `"error": "Access Denied"`, which is `access_denied`.
    static func normalized(_ code: String) -> String {
        code.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
    }

    /// An explanation a person can act on.
    public var explanation: String {
        switch code {
        case "invalid_client":
            return "Zoho does not know this client id/secret at this accounts server. Most often the data centre is wrong "
                + "(an EU account must use accounts.zoho.eu — pass --dc eu), or the client id/secret were mistyped, or the "
                + "client is not enabled for this data centre (API console → Settings → Multi-DC)."
        case "invalid_client_secret":
            return "The client secret does not match the client id. Copy it again from the Zoho API console."
        case "invalid_code":
            return "The grant code or refresh token was rejected: self-client codes expire after a few minutes and work "
                + "only once, and a revoked refresh token stays dead. Generate a new code (API console → Self Client) "
                + "and run `zdsh auth login` again."
        case "invalid_redirect_uri":
            return "The redirect URI does not match the one registered for this client in the Zoho API console."
        case "invalid_scope":
            return "One of the requested scopes is not a valid Zoho scope (Desk scopes look like Desk.tickets.READ)."
        case "access_denied":
            if let advice = retryAdvice() {
                return "Zoho is throttling token refreshes: too many access tokens were requested for this refresh token "
                    + "(at most 10 per 10 minutes). " + advice
            }
            if let detail, detail.lowercased().contains("too many") {
                return "Zoho refused: too many access tokens were requested for this refresh token (at most 10 per 10 minutes). "
                    + "Wait a few minutes before retrying."
            }
            return "Access was denied: the user refused consent, or Zoho is throttling token requests "
                + "(at most 10 access tokens per refresh token per 10 minutes). Wait and retry, or log in again."
        case "unsupported_grant_type":
            return "Zoho rejected the grant type; this client may not be a Self Client."
        case "no_refresh_token":
            return "No refresh token is available for this profile. Run `zdsh auth login` (or set ZOHO_REFRESH_TOKEN)."
        case "no_client_credentials":
            return "No client id/secret for this profile. Run `zdsh auth login` (or set ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET)."
        case "offline_access_missing":
            return "Zoho returned no refresh token. Generate the code with access type offline (Self Client codes are offline)."
        case "html_response":
            return "The accounts server answered with an HTML page, not JSON: the accounts URL or data centre is probably wrong."
        case "malformed_response":
            return "The accounts server answered with something that is not a token response."
        case "refresh_lock_timeout":
            return "Another zdsh process holds the token refresh lock for this profile and did not finish in time. Retry shortly."
        default:
            if let advice = retryAdvice() { return "An earlier token refresh failed with \(code). " + advice }
            if let status { return "The accounts server answered HTTP \(status) with error \(code)." }
            return "The accounts server returned error \(code)."
        }
    }

    /// "Retry after 2026-11-27T15:50:00Z (in 412 s)", when a back-off is known.
    public func retryAdvice(now: Date = Date()) -> String? {
        guard let retryAt else { return nil }
        let seconds = max(0, Int(retryAt.timeIntervalSince(now).rounded(.up)))
        return "Retry after \(UTCTimestamp.string(from: retryAt)) (in \(seconds) s); until then zdsh does not ask "
            + "Zoho for a token on this profile, so the block is not extended."
    }

    public var description: String {
        var text = "OAuth error \(code): \(explanation)"
        if let detail, !detail.isEmpty { text += " (Zoho said: \(detail))" }
        return text
    }

    public var errorDescription: String? { description }
}
