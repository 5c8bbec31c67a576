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
