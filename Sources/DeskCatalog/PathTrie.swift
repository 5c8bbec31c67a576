import Foundation

/// A segment trie over path templates, built once when the catalog loads, so
/// resolving a concrete path costs one dictionary lookup per segment (plus a
/// little backtracking where a literal branch dead-ends).
struct PathTrie {
    /// A template that matched, with the concrete segment values at its `{param}` positions.
    struct Candidate {
        let operations: [Operation]
        /// Parameter names of each operation's template, parallel to `operations`.
        fileprivate let names: [[String]]
        fileprivate let values: [String]

        /// Path parameters by the names *this* operation's template uses (Zoho spells
        /// the same position differently across operations: `{teamId}` vs `{team_id}`).
        func parameters(for op: Operation) -> [String: String] {
            guard let i = operations.firstIndex(of: op) else { return [:] }
            var out: [String: String] = [:]
            for (name, value) in zip(names[i], values) { out[name] = value }
            return out
        }
    }

    private final class Node {
        var literals: [String: Node] = [:]
        var parameter: Node?
        var operations: [Operation] = []
        var names: [[String]] = []
    }

    private let root = Node()

    init(_ operations: [Operation]) {
        for op in operations {
            var node = root
            for segment in PathTrie.segments(op.path) {
                if segment.hasPrefix("{") && segment.hasSuffix("}") {
                    if node.parameter == nil { node.parameter = Node() }
                    node = node.parameter!
                } else {
                    let key = String(segment)
                    if node.literals[key] == nil { node.literals[key] = Node() }
                    node = node.literals[key]!
                }
            }
            node.operations.append(op)  // operations arrive sorted by id: stable order
            node.names.append(PathTrie.parameterNames(op.path))
        }
    }

    /// Every template matching `path`, most specific first (literal before `{param}`
    /// at the first segment where they differ).
    func candidates(for path: String) -> [Candidate] {
        let segments = PathTrie.segments(PathTrie.stripQuery(path))
        guard !segments.isEmpty else { return [] }
        var out: [Candidate] = []
        var values: [String] = []
        walk(root, segments[...], &values, &out)
        return out
    }

    private func walk(_ node: Node, _ rest: ArraySlice<Substring>, _ values: inout [String],
                      _ out: inout [Candidate]) {
        guard let segment = rest.first else {
            if !node.operations.isEmpty {
                out.append(Candidate(operations: node.operations, names: node.names, values: values))
            }
            return
        }
        if let next = node.literals[String(segment)] {
            walk(next, rest.dropFirst(), &values, &out)
        }
        if let next = node.parameter, !segment.isEmpty {
            let raw = String(segment)
            values.append(raw.contains("%") ? (raw.removingPercentEncoding ?? raw) : raw)
            walk(next, rest.dropFirst(), &values, &out)
            values.removeLast()
        }
    }

    static func segments(_ path: String) -> [Substring] {
        // Empty segments from a leading or trailing slash are dropped; "//" inside a
        // path is kept as an empty segment so it cannot match a template.
        var parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.first == "" { parts.removeFirst() }
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    static func stripQuery(_ path: String) -> String {
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { return String(path[..<cut]) }
        return path
    }

    static func parameterNames(_ template: String) -> [String] {
        segments(template).compactMap { s in
            s.hasPrefix("{") && s.hasSuffix("}") ? String(s.dropFirst().dropLast()) : nil
        }
    }
}
