import Foundation

/// What the run a request is made for may still hold: a response is
/// charged to it as it arrives, before it is held, so a server cannot make
/// the process hold more than the run's `--max-memory` allows.
///
/// The Lua host provides one per request (through `ResponseBudget.current`,
/// set around the work it starts); without one, only the transport's own
/// ceiling applies.
public protocol ResponseMemory: Sendable {
    /// Takes `bytes` from what the run may hold; false, taking nothing, when
    /// they do not fit.
    func take(_ bytes: Int) -> Bool
    /// Bytes that may still be taken now (nil: no limit).
    var room: Int? { get }
    /// The run's memory limit, for messages (nil: none).
    var limit: Int? { get }
}

public enum ResponseBudget {
    /// The memory of the run the current task's requests are made for.
    @TaskLocal public static var current: (any ResponseMemory)?

    /// What a parsed JSON body costs beyond its bytes, per value: a `JSON`
    /// value in an array or an object's slot, and its share of the container.
    static let perValue = 48

    /// A bound on what parsing `body` builds: its bytes, and a value's cost
    /// for every character that can start one (so a body of many tiny
    /// values cannot parse into many times its size unnoticed). Counted
    /// before the parse, in one pass over the bytes.
    static func parseCost(_ body: [UInt8]) -> Int {
        var starts = 1
        for byte in body where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
            starts += 1
        }
        return body.count + starts * perValue
    }
}

/// A response refused because holding its body would go past the run's
/// memory budget (or the transport's own ceiling). The status and headers
/// arrived, so the call's outcome is known: a write that answered 2xx was
/// applied.
public struct ResponseTooLarge: Error, Sendable, Hashable {
    /// The HTTP status that came with it.
    public let status: Int
    /// Bytes the server announced (Content-Length) or had sent when it was refused.
    public let bytes: Int
    /// The most it could have held.
    public let allowed: Int
    /// The run's memory limit, when one applied.
    public let memoryLimit: Int?

    public init(status: Int, bytes: Int, allowed: Int, memoryLimit: Int?) {
        self.status = status; self.bytes = bytes; self.allowed = allowed; self.memoryLimit = memoryLimit
    }
}
