import Foundation

/// What an injected fault does to a request.
public enum FaultKind: Sendable, Hashable {
    /// Answer with this HTTP status and a Zoho error body (errorCode derived from
    /// the status unless given).
    case status(Int, errorCode: String? = nil)
    /// Drop the connection: `SimTransport` throws `TransportError.connectionReset`,
    /// the HTTP server closes the socket without answering.
    case connectionReset
    /// Expire the caller's access token, then answer 401 INVALID_OAUTH.
    case expireToken
    /// Answer as if the request had no `from`: a server that ignores paging
    /// serves the first page again and again (clients must notice).
    case ignoreFrom
}

/// One fault rule. Matches requests for `operation` (an operationId; nil = any)
/// and fires either a fixed number of `times` or with `probability` per request
/// (drawn from the simulator's seeded generator, so runs repeat exactly).
public struct FaultRule: Sendable, Hashable {
    public var operation: String?
    public var kind: FaultKind
    public var times: Int?
    public var probability: Double

    public init(operation: String? = nil, kind: FaultKind, times: Int? = 1, probability: Double = 1) {
        self.operation = operation; self.kind = kind; self.times = times; self.probability = probability
    }
}

/// Response latency: `fixedMs` plus a uniform random 0…`jitterMs`.
public struct Latency: Sendable, Hashable {
    /// The longest latency the simulator adds (10 minutes), fixed part and jitter each.
    public static let maxMs = 600_000
    public var fixedMs: Int
    public var jitterMs: Int
    public init(fixedMs: Int = 0, jitterMs: Int = 0) { self.fixedMs = fixedMs; self.jitterMs = jitterMs }
}

/// SplitMix64: tiny, fast and the same on every platform, which is what
/// "deterministic by seed" needs (SystemRandomNumberGenerator is not seedable).
/// Public so property tests draw from the same generator.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// 0 ..< n.
    public mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    public mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    public mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
}

/// The active rules and the random stream they draw from. Guarded by the
/// simulator's lock.
struct FaultPlan {
    var rules: [FaultRule] = []
    var latency = Latency()
    var random: SeededRandom

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    /// The fault to apply to a request for `operationId`, consuming one of a
    /// counted rule's remaining `times`.
    mutating func draw(operationId: String) -> FaultKind? {
        for i in rules.indices {
            let rule = rules[i]
            if let op = rule.operation, op != operationId { continue }
            if let t = rule.times, t <= 0 { continue }
            if rule.probability < 1, random.unit() >= rule.probability { continue }
            if let t = rule.times { rules[i].times = t - 1 }
            return rule.kind
        }
        return nil
    }

    mutating func delayNanos() -> UInt64 {
        var ms = Double(latency.fixedMs)
        if latency.jitterMs > 0 { ms += random.unit() * Double(latency.jitterMs) }
        // Whoever set the latency (a scenario, the command line), a delay
        // beyond the longest allowed one is that one, never a trap.
        return UInt64(min(max(0, ms), Double(Latency.maxMs)) * 1_000_000)
    }
}
