import DeskCore
import Foundation
import JSONValue
import ShellCore

/// `zdsh auth status` without `--profile`: the current profile (and what
/// chose it) in full, then every stored profile's state on a line. A missing
/// current profile is said, not an error, while any profile is stored.
struct AuthStatusReport {
    let current: String
    let source: ProfileSource
    let statuses: [ProfileStatus]

    static func gather(service: AuthService, current: String, source: ProfileSource) async throws -> AuthStatusReport {
        var statuses: [ProfileStatus] = []
        for name in try await service.profiles() {
            statuses.append(try await service.status(profile: name))
        }
        return AuthStatusReport(current: current, source: source, statuses: statuses)
    }

    var currentStatus: ProfileStatus? { statuses.first { $0.profile == current } }

    var text: String {
        var lines = ["current profile: \(Terminal.visible(current)) (\(sourceText))"]
        if let s = currentStatus {
            lines.append(String(describing: s))
        } else {
            lines.append("  not stored — run `zdsh auth login --profile \(Terminal.visible(current))`"
                         + (statuses.isEmpty ? "" : " or `zdsh auth use NAME`"))
        }
        if !statuses.isEmpty {
            lines.append("")
            lines.append("profiles:")
            for s in statuses { lines.append((s.profile == current ? "* " : "  ") + Self.summary(s)) }
        }
        return lines.joined(separator: "\n")
    }

    var sourceText: String {
        switch source {
        case .flag: return "from --profile"
        case .environment: return "from ZDSH_PROFILE"
        case .current: return "set by zdsh auth use"
        case .fallback: return "the default; choose another with zdsh auth use NAME"
        }
    }

    /// One profile's state on one line: where it points and whether it can call.
    static func summary(_ s: ProfileStatus) -> String {
        var parts = [Terminal.visible(s.profile), s.dataCenter.rawValue, "org \(s.orgId.map { Terminal.visible($0) } ?? "-")",
                     s.hasRefreshToken ? "refresh token stored" : "no refresh token"]
        if let expiry = s.accessTokenExpiry {
            parts.append(expiry > Date() ? "access token valid" : "access token expired")
        }
        if s.refreshBlockedUntil != nil { parts.append("refresh throttled") }
        if !s.followsZohoHosts { parts.append("api \(Terminal.visible(s.apiURL))") }
        return parts.joined(separator: "  ")
    }

    /// `--json`: the current profile's fields as before (when stored), with
    /// `current`, `current_source`, `stored` and every profile under `profiles`.
    var json: JSON {
        var o = currentStatus?.json.objectValue ?? [:]
        o["current"] = .string(current)
        o["current_source"] = .string(source.rawValue)
        o["stored"] = .bool(currentStatus != nil)
        o["profiles"] = .array(statuses.map { s in
            var p = s.json.objectValue ?? [:]
            p["current"] = .bool(s.profile == current)
            return .object(p)
        })
        return .object(o)
    }
}

private extension ProfileStatus {
    /// Whether calls go to the data centre's own hosts (not an --api-url).
    var followsZohoHosts: Bool { apiURL == dataCenter.deskURL }
}
