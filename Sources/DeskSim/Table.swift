import JSONValue

typealias Row = [String: JSON]

/// Rows generated on demand from an index, so a 100,000-ticket benchmark
/// fixture costs nothing until a row is read.
struct LazyRows {
    let count: Int
    let firstId: Int64
    let make: @Sendable (_ index: Int, _ id: String) -> Row

    func index(of id: String) -> Int? {
        guard let n = Int64(id), n >= firstId, n < firstId + Int64(count) else { return nil }
        return Int(n - firstId)
    }
}

/// One resource's records in insertion order, keyed by id (a digit string).
/// Lazily generated rows come first; writing one materialises it.
final class Table {
    private(set) var order: [String] = []
    private var rows: [String: Row] = [:]
    private var positions: [String: Int] = [:]
    private var lazy: LazyRows?
    /// Lazy indexes that were deleted (materialised overrides live in `rows`).
    private var lazyRemoved: Set<Int> = []

    init(lazy: LazyRows? = nil) { self.lazy = lazy }

    var count: Int { order.count + (lazy.map { $0.count - lazyRemoved.count } ?? 0) }

    func get(_ id: String) -> Row? {
        if let row = rows[id] { return row }
        if let lazy, let i = lazy.index(of: id), !lazyRemoved.contains(i) { return lazy.make(i, id) }
        return nil
    }

    func contains(_ id: String) -> Bool { get(id) != nil }

    /// Insert or replace; new ids go to the end.
    func put(_ row: Row) {
        guard let id = row["id"]?.stringValue else { return }
        if rows[id] == nil, lazy?.index(of: id) == nil {
            positions[id] = order.count
            order.append(id)
        }
        rows[id] = row
    }

    @discardableResult
    func update(_ id: String, _ change: (inout Row) throws -> Void) rethrows -> Row? {
        guard var row = get(id) else { return nil }
        try change(&row)
        rows[id] = row
        return row
    }

    @discardableResult
    func remove(_ id: String) -> Row? {
        guard let row = get(id) else { return nil }
        rows[id] = nil
        if let lazy, let i = lazy.index(of: id) {
            lazyRemoved.insert(i)
        } else if let p = positions.removeValue(forKey: id) {
            order.remove(at: p)
            for k in p..<order.count { positions[order[k]] = k }
        }
        return row
    }

    /// Visits rows in order until `body` returns false.
    func forEach(_ body: (Row) -> Bool) {
        if let lazy {
            for i in 0..<lazy.count where !lazyRemoved.contains(i) {
                let id = String(lazy.firstId + Int64(i))
                if !body(rows[id] ?? lazy.make(i, id)) { return }
            }
        }
        for id in order { if !body(rows[id]!) { return } }
    }

    func all(where match: ((Row) -> Bool)? = nil) -> [Row] {
        var out: [Row] = []
        forEach { row in
            if match?(row) ?? true { out.append(row) }
            return true
        }
        return out
    }

    /// Rows `start..<start+limit` of the (filtered) sequence, without visiting
    /// more rows than needed.
    func page(start: Int, limit: Int, where match: ((Row) -> Bool)? = nil) -> [Row] {
        var out: [Row] = []
        var skipped = 0
        guard limit > 0 else { return [] }
        if match == nil { return unfilteredPage(start: start, limit: limit) }
        forEach { row in
            guard match?(row) ?? true else { return true }
            if skipped < start { skipped += 1; return true }
            out.append(row)
            return out.count < limit
        }
        return out
    }

    /// Without a filter, rows before `start` are skipped without being built:
    /// paging through 100,000 generated tickets stays linear.
    private func unfilteredPage(start: Int, limit: Int) -> [Row] {
        var out: [Row] = []
        var position = 0
        if let lazy {
            var i = 0
            if lazyRemoved.isEmpty {
                i = min(start, lazy.count)
                position = i
            }
            while i < lazy.count && out.count < limit {
                if !lazyRemoved.contains(i) {
                    if position >= start {
                        let id = String(lazy.firstId + Int64(i))
                        out.append(rows[id] ?? lazy.make(i, id))
                    }
                    position += 1
                }
                i += 1
            }
        }
        var k = max(0, start - position)
        while k < order.count && out.count < limit {
            out.append(rows[order[k]]!)
            k += 1
        }
        return out
    }

    func first(where match: (Row) -> Bool) -> Row? {
        var found: Row?
        forEach { row in
            if match(row) { found = row; return false }
            return true
        }
        return found
    }
}

/// A many-to-many relation kept indexed from both sides (label ↔ user,
/// group ↔ user, user ↔ badge), so that removing from either side updates both.
final class Relation {
    private(set) var byLeft: [String: [String]] = [:]
    private(set) var byRight: [String: [String]] = [:]
    /// Extra data per pair (e.g. `isPrimary`, `assignedTime`).
    private var info: [String: Row] = [:]

    private func key(_ l: String, _ r: String) -> String { l + "|" + r }

    @discardableResult
    func add(_ left: String, _ right: String, info extra: Row = [:]) -> Bool {
        if contains(left, right) { return false }
        byLeft[left, default: []].append(right)
        byRight[right, default: []].append(left)
        info[key(left, right)] = extra
        return true
    }

    func contains(_ left: String, _ right: String) -> Bool { info[key(left, right)] != nil }

    @discardableResult
    func remove(_ left: String, _ right: String) -> Bool {
        guard contains(left, right) else { return false }
        byLeft[left]?.removeAll { $0 == right }
        byRight[right]?.removeAll { $0 == left }
        info[key(left, right)] = nil
        return true
    }

    /// Every pair, grouped by left id in id order (for `state()`).
    var pairs: [(String, String)] {
        byLeft.keys.sorted().flatMap { l in byLeft[l]!.map { (l, $0) } }
    }

    func rights(of left: String) -> [String] { byLeft[left] ?? [] }
    func lefts(of right: String) -> [String] { byRight[right] ?? [] }
    func info(_ left: String, _ right: String) -> Row { info[key(left, right)] ?? [:] }
    func setInfo(_ left: String, _ right: String, _ row: Row) {
        if contains(left, right) { info[key(left, right)] = row }
    }

    func removeLeft(_ left: String) { for r in rights(of: left) { remove(left, r) } }
    func removeRight(_ right: String) { for l in lefts(of: right) { remove(l, right) } }
}
