import DeskCatalog
import DeskGate

/// What `zdsh api list QUERY` shows, best first: operations whose name,
/// operationId or path holds the query as written, starting at a word
/// ("tag" in `desk.tickets.tags`, not in `getAgent`); then what the catalog
/// search finds in parameter names, enum values and the words of names and
/// paths ("overdue" is a value of `dueDate`, "unassign" finds the assignee
/// parameter). A query with `*` is a glob over names and paths, as before.
struct ApiListQuery {
    static let search = OperationSearch(names: OperationNames.names(of:))

    let text: String

    /// The matching operations, in the order to show them.
    func operations() throws -> [DeskCatalog.Operation] {
        let needle = text.lowercased()
        if needle.contains("*") {
            let glob = try Policy.Pattern(needle)
            return Catalog.shared.operations.filter { op in
                Self.haystack(op).contains { glob.matches($0) || glob.matches($0.lowercased()) }
            }
        }
        let exact = Catalog.shared.operations.filter { op in Self.haystack(op).contains { Self.containsAtWord($0, needle) } }
        var seen = Set(exact.map(\.id))
        var found = exact
        for hit in Self.search.search(text) where seen.insert(hit.operation.id).inserted {
            found.append(hit.operation)
        }
        return found
    }

    static func haystack(_ op: DeskCatalog.Operation) -> [String] {
        OperationNames.names(of: op.id) + [op.id, op.path]
    }

    /// Whether `needle` (lower case) occurs in `text` starting where a word
    /// starts: at the beginning, after a character that is not a letter or
    /// digit, or at a camelCase hump.
    static func containsAtWord(_ text: String, _ needle: String) -> Bool {
        guard !needle.isEmpty else { return true }
        let chars = Array(text)
        let lower = Array(text.lowercased())
        let want = Array(needle)
        guard lower.count == chars.count, want.count <= lower.count else {
            return text.lowercased().contains(needle)  // case folding changed the length: plain substring
        }
        for start in 0...(lower.count - want.count) where startsWord(chars, at: start) {
            if Array(lower[start..<(start + want.count)]) == want { return true }
        }
        return false
    }

    static func startsWord(_ chars: [Character], at i: Int) -> Bool {
        guard i > 0 else { return true }
        let before = chars[i - 1], here = chars[i]
        if !(before.isLetter || before.isNumber) { return true }
        if !(here.isLetter || here.isNumber) { return true }
        return here.isUppercase && before.isLowercase
    }
}
