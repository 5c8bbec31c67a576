import Foundation

/// Zoho's two API limits per organisation: simultaneous in-flight calls
/// (429 TOO_MANY_REQUESTS) and a daily credit pool (429 THRESHOLD_EXCEEDED),
/// the pool resetting at midnight UTC by the injected clock.
struct Limits {
    /// Enterprise edition figures (see the reference notes, §4).
    var concurrency = 25
    var dailyCredits = 100_000
    private(set) var inFlight: [String: Int] = [:]
    private(set) var peakInFlight = 0
    private var creditsUsed: [String: Int] = [:]
    private var day: Int = -1
    private(set) var totalCreditsUsed = 0

    /// Admits one request or says which limit it hits.
    mutating func admit(org: String, cost: Int, now: Date) -> SimError? {
        let today = Int(now.timeIntervalSince1970 / 86_400)
        if today != day { day = today; creditsUsed = [:] }
        let running = inFlight[org, default: 0]
        if running >= concurrency { return .tooManyRequests }
        if creditsUsed[org, default: 0] + cost > dailyCredits { return .thresholdExceeded }
        creditsUsed[org, default: 0] += cost
        totalCreditsUsed += cost
        inFlight[org] = running + 1
        peakInFlight = max(peakInFlight, running + 1)
        return nil
    }

    mutating func finish(org: String) { inFlight[org, default: 1] -= 1 }

    func used(org: String) -> Int { creditsUsed[org, default: 0] }
}

/// A Desk edition's API limits, for `zdsh sim serve --edition` (reference §4:
/// concurrency Free/Trial 5, Express 10, Standard 10, Professional 15,
/// Enterprise 25; daily base credits Free 5,000, Express 25,000, Professional
/// 75,000, Enterprise 100,000). Standard's and Trial's credits are not in the
/// stored pages: Standard takes 50,000 (between Express and Professional) and
/// Trial Free's 5,000, the cautious choice for a rehearsal. Per-agent credits
/// are not modelled.
public enum Edition: String, CaseIterable, Sendable {
    case free, trial, express, standard, professional, enterprise

    public var concurrency: Int {
        switch self {
        case .free, .trial: return 5
        case .express, .standard: return 10
        case .professional: return 15
        case .enterprise: return 25
        }
    }

    public var dailyCredits: Int {
        switch self {
        case .free, .trial: return 5_000
        case .express: return 25_000
        case .standard: return 50_000
        case .professional: return 75_000
        case .enterprise: return 100_000
        }
    }

    public static var names: String { allCases.map(\.rawValue).joined(separator: "|") }
}
