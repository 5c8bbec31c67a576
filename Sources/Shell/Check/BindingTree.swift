import DeskCatalog

/// The names under `desk` and `helpcenter` as DeskLibrary builds them: every
/// binding, the `each…`/`all…` helpers next to each `list…` verb, and the
/// `desk` helpers. `desk.api.<operationId>` is resolved against the catalog.
package struct BindingTree: Sendable {
    package enum Leaf: Sendable, Equatable {
        /// A binding; `paged` for its `each…`/`all…` helper.
        case binding(String, paged: Bool)
        /// A `desk` helper (`desk.each`, `desk.request`, `desk.null`…).
        case helper(String)
    }

    package final class Node: Sendable {
        let children: [String: Node]
        let leaf: Leaf?
        init(children: [String: Node], leaf: Leaf?) { self.children = children; self.leaf = leaf }
    }

    package static let deskHelpers = ["request", "each", "parallel", "null", "array", "calls", "unchecked"]

    package static let shared = BindingTree()

    package let roots: [String: Node]

    init() {
        var paths: [[String]: Leaf] = [:]
        for b in FriendlyNames.all {
            let parts = b.name.split(separator: ".").map(String.init)
            let full = parts.count == 1 ? ["desk"] + parts : parts
            paths[full] = .binding(b.name, paged: false)
            if let verb = full.last, verb.hasPrefix("list"), parts.count > 1 {
                let suffix = verb.dropFirst(4)
                paths[full.dropLast() + ["each\(suffix)"]] = .binding(b.name, paged: true)
                paths[full.dropLast() + ["all\(suffix)"]] = .binding(b.name, paged: true)
            }
        }
        for h in Self.deskHelpers { paths[["desk", h]] = .helper(h) }
        roots = ["desk": Self.build(paths, depth: 1, root: "desk"), "helpcenter": Self.build(paths, depth: 1, root: "helpcenter")]
    }

    private static func build(_ paths: [[String]: Leaf], depth: Int, root: String, prefix: [String] = []) -> Node {
        let here = prefix.isEmpty ? [root] : prefix
        var groups: [String: [[String]: Leaf]] = [:]
        for (path, leaf) in paths where path.count > here.count && Array(path.prefix(here.count)) == here {
            groups[path[here.count], default: [:]][path] = leaf
        }
        var children: [String: Node] = [:]
        for (name, sub) in groups {
            let next = here + [name]
            children[name] = build(sub, depth: depth + 1, root: root, prefix: next)
        }
        return Node(children: children, leaf: paths[here])
    }

    /// What a reference names.
    package enum Resolution: Sendable {
        case binding(FriendlyNames.Binding, paged: Bool)
        case operation(Operation)
        case helper(String)
        case namespace
        /// `desk.api[…]` or a name past a value (`desk.null.x`): nothing to check.
        case opaque
        /// A name that is not there: the message and the segment it is about.
        case missing(String, segment: Int)
    }

    /// Resolves a path such as ["desk", "tickets", "lst"].
    package func resolve(_ path: [String]) -> Resolution {
        guard let first = path.first, var node = roots[first] else { return .opaque }
        for i in 1..<max(path.count, 1) where i < path.count {
            let name = path[i]
            if i == 2, path[1] == "api", first == "desk" {
                guard let op = Catalog.shared.operation(id: name) else {
                    return .missing(MissingName.message(namespace: "desk.api", name: name, siblings: []), segment: i)
                }
                return path.count == 3 ? .operation(op) : .opaque
            }
            if i == 1, name == "api", first == "desk" { if path.count == 2 { return .namespace }; continue }
            guard let child = node.children[name] else {
                if node.leaf != nil { return .opaque }
                let namespace = path.prefix(i).joined(separator: ".")
                return .missing(MissingName.message(namespace: namespace, name: name, siblings: Array(node.children.keys)), segment: i)
            }
            node = child
        }
        switch node.leaf {
        case .binding(let name, let paged)?:
            guard let b = FriendlyNames.binding(named: name) else { return .opaque }
            return .binding(b, paged: paged)
        case .helper(let h)?: return .helper(h)
        case nil: return path.count == 1 ? .namespace : .namespace
        }
    }
}
