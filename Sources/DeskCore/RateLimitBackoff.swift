/// When a run of 429 TOO_MANY_REQUESTS means our concurrency is above the
/// org's, and not a passing burst: 3 among the last 10 answers. Then the
/// limiter halves its slots (multiplicative decrease, floor 1) and the window
/// starts again empty: the few 429s still on their way from calls sent at the
/// old limit cannot reach the threshold alone, so one burst halves once.
/// There is no increase: the lowered limit holds for the rest of the run.
struct RateLimitBackoff: Sendable {
    static let window = 10
    static let threshold = 3

    private var recent: [Bool] = []

    /// Records one answer; true when the limit should be halved now.
    mutating func note(tooManyRequests: Bool, limit: Int) -> Bool {
        recent.append(tooManyRequests)
        if recent.count > Self.window { recent.removeFirst(recent.count - Self.window) }
        guard recent.filter({ $0 }).count >= Self.threshold, limit > 1 else { return false }
        recent.removeAll()
        return true
    }
}
