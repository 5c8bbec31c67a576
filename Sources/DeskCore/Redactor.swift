import Foundation

/// Removes credentials from text before it reaches a log line or an error
/// message. Two layers: the exact secrets this process knows about, and
/// patterns that catch credentials we were never told about (a token echoed
/// back by a server, a form body).
public struct Redactor: Sendable {
    private var secrets: [String]

    /// A redactor for `secrets` (shorter than 4 characters are ignored) and the patterns.
    public init(secrets: [String] = []) {
        self.secrets = secrets.filter { $0.count >= 4 }
    }

    /// A redactor for the connection's client secret and tokens.
    public init(connection: Connection) {
        self.init(secrets: [connection.clientSecret, connection.refreshToken, connection.accessToken]
            .compactMap { $0?.reveal })
    }

    /// Also redacts `secret` (a token obtained later).
    public mutating func add(_ secret: Secret?) {
        if let value = secret?.reveal, value.count >= 4, !secrets.contains(value) { secrets.append(value) }
    }

    /// `text` with every known secret and credential-shaped string replaced.
    public func scrub(_ text: String) -> String {
        var out = text
        for secret in secrets where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: "<redacted>")
        }
        for pattern in Redactor.patterns {
            out = pattern.replace(in: out)
        }
        return out
    }

    /// (regex, template) pairs for credential-shaped text.
    private static let patterns: [Rule] = [
        Rule(#"(?i)(Zoho-oauthtoken|Bearer)\s+[^\s",]+"#, "$1 <redacted>"),
        Rule(#"(?i)\b((?:access_token|refresh_token|client_secret|code|token)["']?\s*[=:]\s*["']?)[^\s&",'}]+"#, "$1<redacted>"),
        // Zoho tokens look like "1000.<hex>.<hex>"; catch them anywhere.
        Rule(#"\b1000\.[0-9a-fA-F]{16,}\.[0-9a-fA-F]{16,}\b"#, "<redacted>"),
    ]

    private struct Rule: Sendable {
        let regex: NSRegularExpression
        let template: String
        init(_ pattern: String, _ template: String) {
            regex = try! NSRegularExpression(pattern: pattern)
            self.template = template
        }
        func replace(in text: String) -> String {
            regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
        }
    }
}
