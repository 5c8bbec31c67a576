import Foundation

/// Where a profile's calls go instead of Zoho's hosts, the way the AWS CLI
/// has `--endpoint-url`: a local `zdsh sim serve`, or an HTTPS proxy. Set by
/// flags (`--api-url`, `--accounts-url`), the environment (ZDSH_API_URL,
/// ZDSH_ACCOUNTS_URL) or the profile (stored at login); flags win.
public struct Endpoints: Sendable, Hashable {
    /// Desk API root without "/api/v1".
    public var apiURL: String?
    /// Accounts (OAuth) server root.
    public var accountsURL: String?

    public init(apiURL: String? = nil, accountsURL: String? = nil) {
        self.apiURL = apiURL; self.accountsURL = accountsURL
    }

    public var isEmpty: Bool { apiURL == nil && accountsURL == nil }

    /// Checks an endpoint URL and returns it without trailing slashes.
    /// Tokens and client secrets travel to it, so only HTTPS is accepted, or
    /// plain HTTP to this machine (127.0.0.1, ::1, localhost), where the
    /// simulator runs. `source` names the flag or variable in the error.
    public static func checked(_ value: String, source: String) throws -> String {
        let trimmed = Connection.trimmed(value)
        guard let parts = URLComponents(string: trimmed), let scheme = parts.scheme?.lowercased(),
              let host = parts.host?.lowercased(), !host.isEmpty else {
            throw refusal(value, source: source, why: "it is not an absolute URL")
        }
        if parts.user != nil || parts.password != nil {
            // The value itself is not repeated: it holds a password.
            throw DeskError(kind: .configuration, message: "\(source): the URL carries a user name or password (not shown)",
                            hint: "Give the bare URL; zdsh authenticates with the profile's OAuth token.")
        }
        if parts.query != nil || parts.fragment != nil {
            throw refusal(value, source: source, why: "it has a query or fragment")
        }
        switch scheme {
        case "https":
            return trimmed
        case "http" where ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host):
            return trimmed
        default:
            throw refusal(value, source: source, why: "tokens would travel unencrypted to another machine")
        }
    }

    private static func refusal(_ value: String, source: String, why: String) -> DeskError {
        DeskError(kind: .configuration,
                  message: "\(source): \(Quoted(value)) is not accepted: \(why)",
                  hint: "Expected an https:// URL, or http:// to 127.0.0.1 or localhost (e.g. http://127.0.0.1:8085 "
                      + "for `zdsh sim serve`).")
    }
}
