import JSONValue

/// What values cost in memory, to charge them to a run's budget before they
/// are built. Estimates close to the real layouts (a little above rather
/// than below): the point is that work far beyond the budget is refused
/// before it is done, not byte-exact accounting.

/// Swift `JSON` values built by the host.
enum HostCost {
    static let value = MemoryLayout<JSON>.stride
    /// Strings up to 15 UTF-8 bytes live inside the value itself.
    static func string(_ bytes: Int) -> Int { bytes > 15 ? 32 + bytes : 0 }
    static func array(_ count: Int) -> Int { 32 + count * value }
    /// A dictionary keeps about a quarter of its slots free.
    static func object(_ count: Int) -> Int { 64 + count * (16 + value) * 4 / 3 }
}

/// Lua values pushed by the host (Lua 5.4 on 64-bit: 16-byte values,
/// 24-byte string headers, 56-byte tables, hash parts in powers of two).
enum LuaCost {
    static func string(_ bytes: Int) -> Int { 25 + bytes }
    static func array(_ count: Int) -> Int { 56 + count * 16 }
    static func object(_ count: Int) -> Int {
        var slots = 1
        while slots < count { slots <<= 1 }
        return 56 + slots * 32
    }
}
