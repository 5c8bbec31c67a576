import Foundation
import JSONValue

/// What the Zoho token endpoint hands out.
public struct TokenGrant: Sendable, Hashable {
    public var accessToken: Secret
    /// Present on code exchange (offline access), absent on refresh.
    public var refreshToken: Secret?
    public var expiresIn: TimeInterval
    /// e.g. "https://www.zohoapis.eu" — tells which DC the account lives in.
    public var apiDomain: String?
    /// Scopes granted, when Zoho says (space- or comma-separated in the answer).
    public var scopes: [String]?
    public var tokenType: String?

    public init(accessToken: Secret, refreshToken: Secret? = nil, expiresIn: TimeInterval = 3600,
                apiDomain: String? = nil, scopes: [String]? = nil, tokenType: String? = nil) {
        self.accessToken = accessToken; self.refreshToken = refreshToken; self.expiresIn = expiresIn
        self.apiDomain = apiDomain; self.scopes = scopes; self.tokenType = tokenType
    }

    /// Parses a token response; any `error` field wins, whatever the status.
    static func parse(status: Int, body: [UInt8], redactor: Redactor) throws -> TokenGrant {
        guard let json = try? JSON.parse(body) else {
            let text = String(decoding: body.prefix(512), as: UTF8.self)
            if HTMLDetector.looksLikeHTML(text) { throw OAuthError(code: "html_response", status: status) }
            if !(200..<300).contains(status) {
                throw OAuthError(code: "http_\(status)", status: status, detail: redactor.scrub(String(text.prefix(200))))
            }
            throw OAuthError(code: "malformed_response", status: status)
        }
        if let error = json["error"] {
            let code = error.stringValue ?? error.description
            let detail = json["error_description"]?.stringValue ?? json["message"]?.stringValue
            throw OAuthError(code: code, status: status, detail: detail.map(redactor.scrub))
        }
        guard (200..<300).contains(status) else {
            throw OAuthError(code: "http_\(status)", status: status)
        }
        guard let access = json["access_token"]?.stringValue, !access.isEmpty else {
            throw OAuthError(code: "malformed_response", status: status)
        }
        // Zoho has sent `expires_in` in seconds, and once `expires_in_sec`; some
        // answers carry neither — assume the documented hour.
        // A lifetime no token has (negative, infinite, beyond ten years) counts as absent.
        let given = json["expires_in"]?.doubleValue ?? json["expires_in"]?.intValue.map(Double.init)
            ?? json["expires_in_sec"]?.doubleValue
        let expires = ExternalNumber.seconds(given) ?? 3600
        let scopes = json["scope"]?.stringValue.map(TokenGrant.splitScopes)
        return TokenGrant(accessToken: Secret(access), refreshToken: Secret?(json["refresh_token"]?.stringValue),
                          expiresIn: expires, apiDomain: json["api_domain"]?.stringValue, scopes: scopes,
                          tokenType: json["token_type"]?.stringValue)
    }

    static func splitScopes(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
    }
}

/// Recognises HTML error pages (Zoho answers a wrong-DC call with one).
enum HTMLDetector {
    static func looksLikeHTML(_ text: String) -> Bool {
        let head = text.prefix(256).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return head.hasPrefix("<!doctype html") || head.hasPrefix("<html") || head.contains("<head") || head.contains("<body")
    }

    static func title(_ text: String) -> String? {
        guard let start = text.range(of: "<title>", options: .caseInsensitive),
              let end = text.range(of: "</title>", options: .caseInsensitive, range: start.upperBound..<text.endIndex)
        else { return nil }
        return text[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
