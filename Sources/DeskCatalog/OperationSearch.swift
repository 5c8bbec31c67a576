/// Finds operations by the words a person would use: the words of their Lua
/// names and operationId ("removeUsersFromLabel" → remove, users, from,
/// label), their path segments and group, their parameter and body field
/// names, and the values those parameters take ("overdue" is a value of
/// `dueDate`). Ranked: a word in the name counts most, then the path, then
/// parameters and values. Operations matching every word come first; when
/// none does, the best partial matches are given. Used by the MCP server's
/// search_operations and by `zdsh api list`.
public struct OperationSearch: Sendable {
    public struct Hit: Sendable {
        public let operation: Operation
        public let score: Int
        /// The query words this operation matched, and where ("dueDate=overdue", "path", "name").
        public let matched: [String]
    }

    /// Where a word was found, by weight.
    enum Field: Int, Comparable {
        case body = 2, value = 3, parameter = 4, group = 5, path = 6, name = 10
        static func < (a: Field, b: Field) -> Bool { a.rawValue < b.rawValue }
    }

    struct Entry: Sendable {
        let operation: Operation
        /// Each normalized word, with its strongest field and what it came from.
        let words: [String: (field: Int, source: String)]
    }

    private let entries: [Entry]

    /// `names(id)`: every Lua name of an operation (the friendly bindings).
    public init(catalog: Catalog = .shared, names: (String) -> [String]) {
        entries = catalog.operations.map { op in Self.entry(op, names: names(op.id)) }
    }

    /// Operations for `query`, best first (all of them, in catalog order, for an empty query).
    public func search(_ query: String) -> [Hit] {
        let words = Self.words(query).map(Self.stem)
        guard !words.isEmpty else { return entries.map { Hit(operation: $0.operation, score: 0, matched: []) } }
        var full: [Hit] = [], partial: [Hit] = []
        for e in entries {
            var score = 0, found = 0
            var matched: [String] = []
            for w in words {
                guard let (weight, source) = Self.best(w, in: e) else { continue }
                found += 1; score += weight
                matched.append(source)
            }
            guard found > 0 else { continue }
            let hit = Hit(operation: e.operation, score: score, matched: matched)
            if found == words.count { full.append(hit) } else { partial.append(hit) }
        }
        let ranked = (full.isEmpty ? partial : full)
        return ranked.sorted { $0.score != $1.score ? $0.score > $1.score : $0.operation.id < $1.operation.id }
    }

    /// The strongest place `word` occurs: as a whole word, else as the start of one (half weight).
    static func best(_ word: String, in e: Entry) -> (Int, String)? {
        if let exact = e.words[word] { return (exact.field * 2, exact.source) }
        var bestPrefix: (Int, String)?
        if word.count >= 4 {
            for (w, info) in e.words where w.hasPrefix(word) || (w.count >= 4 && word.hasPrefix(w)) {
                if info.field > (bestPrefix?.0 ?? 0) { bestPrefix = (info.field, info.source) }
            }
        }
        return bestPrefix
    }

    static func entry(_ op: Operation, names: [String]) -> Entry {
        var words: [String: (field: Int, source: String)] = [:]
        func add(_ text: String, _ field: Field, _ source: String) {
            for w in Self.words(text).map(Self.stem) where (words[w]?.field ?? 0) < field.rawValue {
                words[w] = (field.rawValue, source)
            }
        }
        for name in names + [op.id] { add(name, .name, "name") }
        for segment in op.path.split(separator: "/") where !segment.hasPrefix("{") { add(String(segment), .path, "path") }
        add(op.group, .group, "group")
        for p in op.parameters where p.location != .header {
            add(p.name, .parameter, "parameter \(p.name)")
            // A list parameter's values are its items' (`dueDate`: Overdue, Today, …).
            for v in p.schema.enumValues ?? p.schema.items?.enumValues ?? [] { add(v, .value, "\(p.name)=\(v)") }
        }
        for (k, s) in op.body?.schema.properties ?? [:] {
            add(k, .body, "body field \(k)")
            for v in s.enumValues ?? [] { add(v, .value, "\(k)=\(v)") }
        }
        return Entry(operation: op, words: words)
    }

    /// Lower-case words: split at anything not a letter or digit, and at
    /// camelCase humps ("dueDate" → due, date).
    static func words(_ text: String) -> [String] {
        var out: [String] = [], current = ""
        var previousLower = false
        for ch in text {
            if ch.isLetter || ch.isNumber {
                if ch.isUppercase && previousLower && !current.isEmpty { out.append(current); current = "" }
                current.append(Character(ch.lowercased()))
                previousLower = ch.isLowercase || ch.isNumber
            } else {
                if !current.isEmpty { out.append(current); current = "" }
                previousLower = false
            }
        }
        if !current.isEmpty { out.append(current) }
        return out.flatMap { Self.synonyms[$0] ?? [$0] }
    }

    /// Words people use for what the API names otherwise.
    static let synonyms: [String: [String]] = [
        "unassign": ["assignee"], "assign": ["assignee"], "erase": ["delete"], "mail": ["email"], "find": ["search"],
    ]

    /// A crude plural fold, so "users" finds "user" and "tickets" "ticket".
    static func stem(_ w: String) -> String {
        if w.count > 4 && w.hasSuffix("ies") { return String(w.dropLast(3)) + "y" }
        if w.count > 3 && w.hasSuffix("s") && !w.hasSuffix("ss") { return String(w.dropLast()) }
        return w
    }
}
