import Foundation

/// A Zoho data centre. Accounts (OAuth) and Desk live on DC-specific hosts;
/// calling the wrong one is the most common integration failure, so every
/// DC knows both of its hosts and how to be recognised from what Zoho sends back.
public enum DataCenter: String, Sendable, Hashable, CaseIterable, Codable {
    case com, eu, `in`, comAU = "com.au", jp, comCN = "com.cn", ca, sa, uk

    /// Domain suffix used by both hosts ("zoho.eu", "zohocloud.ca").
    public var domain: String {
        switch self {
        case .ca: return "zohocloud.ca"
        default: return "zoho.\(rawValue)"
        }
    }

    /// Where OAuth happens for this data centre.
    public var accountsURL: String { "https://accounts.\(domain)" }
    /// Where the Desk API lives for this data centre.
    public var deskURL: String { "https://desk.\(domain)" }

    /// Human label for prompts and status output.
    public var label: String {
        switch self {
        case .com: return "United States (zoho.com)"
        case .eu: return "Europe (zoho.eu)"
        case .in: return "India (zoho.in)"
        case .comAU: return "Australia (zoho.com.au)"
        case .jp: return "Japan (zoho.jp)"
        case .comCN: return "China (zoho.com.cn)"
        case .ca: return "Canada (zohocloud.ca)"
        case .sa: return "Saudi Arabia (zoho.sa)"
        case .uk: return "United Kingdom (zoho.uk)"
        }
    }

    /// Accepts the names people actually type or Zoho sends in `location=`:
    /// "com", "us", ".eu", "au", "com.au", "cn", "zohocloud.ca", "EU".
    public init?(name: String) {
        var key = name.trimmingCharacters(in: .whitespaces).lowercased()
        while key.hasPrefix(".") { key.removeFirst() }
        switch key {
        case "com", "us", "zoho.com": self = .com
        case "eu", "zoho.eu": self = .eu
        case "in", "india", "zoho.in": self = .in
        case "com.au", "au", "zoho.com.au": self = .comAU
        case "jp", "zoho.jp": self = .jp
        case "com.cn", "cn", "zoho.com.cn": self = .comCN
        case "ca", "zohocloud.ca": self = .ca
        case "sa", "zoho.sa": self = .sa
        case "uk", "gb", "zoho.uk": self = .uk
        default: return nil
        }
    }

    /// Recognises the DC from any Zoho URL: an accounts server, a Desk host or
    /// an `api_domain` such as "https://www.zohoapis.eu".
    public init?(url: String) {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return nil }
        // Longest suffixes first so "zoho.com.au" is not taken for "zoho.com".
        let candidates = DataCenter.allCases.flatMap { dc -> [(String, DataCenter)] in
            let tld = dc == .ca ? "ca" : dc.rawValue
            return [(dc.domain, dc), ("zohoapis.\(tld)", dc), ("zohocloud.\(tld)", dc)]
        }.sorted { $0.0.count > $1.0.count }
        for (suffix, dc) in candidates where host == suffix || host.hasSuffix("." + suffix) {
            self = dc
            return
        }
        return nil
    }

    /// Every data centre's short name, comma-separated (for messages).
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
