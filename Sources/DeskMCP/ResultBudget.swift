import JSONValue

/// Fits a tool result into the model's budget (`--max-result`): the largest
/// parts are cut first — a long array keeps its first items, a long string
/// its beginning — and a `truncated` list says what was cut, from how much,
/// and how to get the rest. What comes back is always valid JSON.
enum ResultBudget {
    static let howToPage = "return fewer records or only the fields you need, or page (e.g. {limit = 50, from = 51})"

    static func fit(_ fields: [String: JSON], bytes budget: Int) -> [String: JSON] {
        var fields = fields
        var notes: [JSON] = []
        // Room for the notes themselves.
        let target = max(256, budget - 600)
        for _ in 0..<6 {
            let size = JSON.object(fields).encodedBytes().count
            guard size > target else { break }
            guard let (key, value) = fields.max(by: { $0.value.encodedBytes().count < $1.value.encodedBytes().count }) else { break }
            let own = value.encodedBytes().count
            let allowed = max(16, own - (size - target) - 32)
            let (cut, what) = shrink(value, to: allowed)
            fields[key] = cut
            notes.append(.object(["field": .string(key), "original_bytes": .int(Int64(own)), "kept": .string(what)]))
        }
        if !notes.isEmpty {
            fields["truncated"] = .array(notes)
            fields["truncated_note"] = .string("this result was larger than the server's limit of \(budget) bytes and was cut; \(howToPage)")
        }
        return fields
    }

    /// `value` cut to at most about `bytes` bytes when encoded, and what was kept.
    static func shrink(_ value: JSON, to bytes: Int) -> (JSON, String) {
        switch value {
        case .string(let s):
            let kept = prefix(s, bytes: max(0, bytes - 2))
            return (.string(kept), "the first \(kept.utf8.count) of \(s.utf8.count) bytes")
        case .array(let items):
            var low = 0, high = items.count
            while low < high {
                let mid = (low + high + 1) / 2
                if JSON.array(Array(items.prefix(mid))).encodedBytes().count <= bytes { low = mid } else { high = mid - 1 }
            }
            if low == 0, let first = items.first {
                let (one, what) = shrink(first, to: bytes - 2)
                return (.array([one]), "the first of \(items.count) items, itself cut to \(what)")
            }
            return (.array(Array(items.prefix(low))), "the first \(low) of \(items.count) items")
        case .object(let o):
            var kept: [String: JSON] = [:]
            var used = 2
            for key in o.keys.sorted() {
                let member = JSON.object([key: o[key]!]).encodedBytes().count
                if used + member > bytes { continue }
                kept[key] = o[key]; used += member
            }
            return (.object(kept), "\(kept.count) of \(o.count) fields (the larger ones were left out)")
        default:
            return (.null, "nothing (the value was too large)")
        }
    }

    /// The longest prefix of `s` of at most `bytes` UTF-8 bytes, cut between characters.
    static func prefix(_ s: String, bytes: Int) -> String {
        var used = 0
        var end = s.startIndex
        for c in s {
            let n = c.utf8.count
            if used + n > bytes { break }
            used += n
            end = s.index(after: end)
        }
        return String(s[..<end])
    }
}
