import JSONValue

/// The length `JSON.encoded` will produce for a value, worked out before
/// encoding so that text far beyond the run's memory budget (a big table
/// pretty-printed at depth, strings of control characters that each become
/// six bytes) is refused instead of built. Exact for everything but
/// doubles, which are counted at their longest form.
enum EncodedSize {
    static func of(_ value: JSON, pretty: Bool, budget: RunBudget) throws -> Int {
        try size(value, pretty: pretty, indent: 0, budget: budget)
    }

    private static func size(_ value: JSON, pretty: Bool, indent: Int, budget: RunBudget) throws -> Int {
        try budget.checkpoint()
        switch value {
        case .null: return 4
        case .bool(let b): return b ? 4 : 5
        case .int(let i): return String(i).utf8.count
        case .double: return 24
        case .string(let s): return quoted(s)
        case .array(let items):
            if items.isEmpty { return 2 }
            var total = 2 + (items.count - 1)
            if pretty { total += items.count * (1 + 2 * (indent + 1)) + 1 + 2 * indent }
            for item in items { total += try size(item, pretty: pretty, indent: indent + 1, budget: budget) }
            return total
        case .object(let fields):
            if fields.isEmpty { return 2 }
            var total = 2 + (fields.count - 1) + fields.count * (pretty ? 2 : 1)
            if pretty { total += fields.count * (1 + 2 * (indent + 1)) + 1 + 2 * indent }
            for (key, field) in fields {
                total += quoted(key)
                total += try size(field, pretty: pretty, indent: indent + 1, budget: budget)
            }
            return total
        }
    }

    /// Control characters take six bytes (\u00XX) at most, quotes and
    /// backslashes two.
    private static func quoted(_ s: String) -> Int {
        let scanned = s.utf8.withContiguousStorageIfAvailable { bytes in
            var total = 2 + bytes.count
            for byte in bytes where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                total += byte < 0x20 ? 5 : 1
            }
            return total
        }
        return scanned ?? 2 + s.utf8.count * 6
    }
}
