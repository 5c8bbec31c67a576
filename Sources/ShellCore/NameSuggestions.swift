/// "Did you mean …?": the known names closest to a mistyped one.
///
/// Closeness is the edit distance where a swapped pair of neighbouring
/// letters costs one (optimal string alignment), compared without case, so
/// `prority`, `priorty`, `Priority` and `prioirty` all find `priority`. A
/// name is suggested only when it is close for its length (a third of the
/// typed name, at most three edits): a short unknown word suggests nothing
/// rather than something unrelated.
package struct NameSuggestions: Sendable {
    private let candidates: [(name: String, folded: [Character])]

    package init<S: Sequence>(_ names: S) where S.Element == String {
        var seen = Set<String>()
        candidates = names.compactMap { name in
            seen.insert(name).inserted ? (name, Array(name.lowercased())) : nil
        }
    }

    /// The nearest names (all at the smallest distance found, in the order
    /// the names were given).
    package func closest(to name: String, limit: Int = 3) -> [String] {
        let typed = Array(name.lowercased())
        let bound = Self.allowedDistance(forLength: typed.count)
        var found: [(name: String, distance: Int, order: Int)] = []
        for (order, candidate) in candidates.enumerated() where candidate.name != name {
            guard abs(candidate.folded.count - typed.count) <= bound,
                  let d = Self.distance(typed, candidate.folded, bound: bound) else { continue }
            found.append((candidate.name, d, order))
        }
        // Only the nearest: "getTikets" suggests getTickets, not also getTicket one edit further.
        guard let best = found.map(\.distance).min() else { return [] }
        return found.filter { $0.distance == best }.sorted { $0.order < $1.order }.prefix(limit).map(\.name)
    }

    /// "did you mean priority?" / "did you mean a, b or c?"; nil when nothing is close.
    package func hint(for name: String, limit: Int = 3) -> String? {
        Self.phrase(closest(to: name, limit: limit))
    }

    /// "did you mean x?" for a list of suggestions; nil for none.
    package static func phrase(_ names: [String]) -> String? {
        switch names.count {
        case 0: return nil
        case 1: return "did you mean \(names[0])?"
        default: return "did you mean \(names.dropLast().joined(separator: ", ")) or \(names.last!)?"
        }
    }

    /// How many edits a name of this length may be away from a suggestion.
    static func allowedDistance(forLength n: Int) -> Int { min(3, max(1, n / 3)) }

    /// Edit distance between two strings (case as given), or nil when above `bound`.
    package static func distance(_ a: String, _ b: String, bound: Int = .max) -> Int? {
        distance(Array(a), Array(b), bound: bound)
    }

    /// Optimal string alignment distance, one row at a time; gives up as soon
    /// as a whole row exceeds `bound` (the answer can only grow from there).
    static func distance(_ a: [Character], _ b: [Character], bound: Int) -> Int? {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) <= bound ? max(a.count, b.count) : nil }
        var before = [Int](repeating: 0, count: b.count + 1)   // row i-2
        var previous = Array(0...b.count)                      // row i-1
        var current = [Int](repeating: 0, count: b.count + 1)  // row i
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, before[j - 2] + 1) }
                current[j] = d
                rowMinimum = min(rowMinimum, d)
            }
            if rowMinimum > bound { return nil }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count] <= bound ? previous[b.count] : nil
    }
}
