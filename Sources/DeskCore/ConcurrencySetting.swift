import Foundation

/// How many calls a run keeps in flight per org, and where that number came
/// from. Zoho limits simultaneous calls per portal by edition (reference §4:
/// Free/Trial 5, Express 10, Standard 10, Professional 15, Enterprise, Zoho
/// One and CRM Plus 25) and answers 429 TOO_MANY_REQUESTS beyond it.
///
/// Precedence: `--concurrency`, then `ZDSH_CONCURRENCY`, then the profile's
/// stored `concurrency` (`zdsh auth login --concurrency`), then the org's
/// edition when known, then 5 — the lowest edition's limit, safe everywhere.
public struct ConcurrencySetting: Sendable, Hashable {
    public static let lowestEditionLimit = 5
    /// Above every edition's limit: a larger number is a typo.
    public static let maximum = 25
    public static let environmentKey = "ZDSH_CONCURRENCY"

    public let value: Int
    /// "--concurrency", "ZDSH_CONCURRENCY", "profile", "edition PROFESSIONAL" or "default".
    public let source: String

    public init(value: Int, source: String) { self.value = value; self.source = source }

    /// The edition's limit: Zoho's `edition` values (FREE, EXPRESS, STANDARD,
    /// PROFESSIONAL, ENTERPRISE, …) in any case; nil for one not known.
    public static func limit(forEdition edition: String, isTrial: Bool = false) -> Int? {
        if isTrial { return 5 }
        switch edition.uppercased().replacingOccurrences(of: " ", with: "") {
        case "FREE", "TRIAL": return 5
        case "EXPRESS", "STANDARD": return 10
        case "PROFESSIONAL": return 15
        case "ENTERPRISE", "ZOHOONE", "CRMPLUS": return 25
        default: return nil
        }
    }

    /// Checks a number given by flag, environment or profile.
    public static func validate(_ value: Int, from source: String) throws -> Int {
        guard (1...maximum).contains(value) else {
            throw DeskError(kind: .configuration,
                            message: "\(source) must be between 1 and \(maximum) (Zoho's largest edition allows \(maximum) calls at once), got \(value)")
        }
        return value
    }

    /// Resolves the setting; `flag` and `stored` are already-parsed numbers.
    public static func resolve(flag: Int?, environment: [String: String], stored: Int?,
                               edition: String?) throws -> ConcurrencySetting {
        if let flag { return ConcurrencySetting(value: try validate(flag, from: "--concurrency"), source: "--concurrency") }
        if let text = environment[environmentKey]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let n = Int(text) else {
                throw DeskError(kind: .configuration, message: "\(environmentKey) must be a whole number, got \(Quoted(text))")
            }
            return ConcurrencySetting(value: try validate(n, from: environmentKey), source: environmentKey)
        }
        if let stored { return ConcurrencySetting(value: try validate(stored, from: "the profile's concurrency"), source: "profile") }
        if let edition, let n = limit(forEdition: edition) { return ConcurrencySetting(value: n, source: "edition \(edition)") }
        return ConcurrencySetting(value: lowestEditionLimit, source: "default")
    }
}
