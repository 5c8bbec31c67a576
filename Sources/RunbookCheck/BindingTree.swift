import DeskCatalog
import DeskGate

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
        let desk = Builder(), helpcenter = Builder()
        func place(_ parts: [String], _ leaf: Leaf) {
            var node = parts[0] == "desk" ? desk : helpcenter
            for p in parts.dropFirst() { node = node.child(p) }
            node.leaf = leaf
        }
        for b in FriendlyNames.all {
            let parts = b.name.split(separator: ".").map(String.init)
            let full = parts.count == 1 ? ["desk"] + parts : parts
            guard full[0] == "desk" || full[0] == "helpcenter" else { continue }
            place(full, .binding(b.name, paged: false))
            if parts.count > 1, let verb = full.last, verb.hasPrefix("list") {
                place(full.dropLast() + ["each\(verb.dropFirst(4))"], .binding(b.name, paged: true))
                place(full.dropLast() + ["all\(verb.dropFirst(4))"], .binding(b.name, paged: true))
            }
        }
        for h in Self.deskHelpers { place(["desk", h], .helper(h)) }
        roots = ["desk": desk.frozen(), "helpcenter": helpcenter.frozen()]
    }

    /// The tree while it is built.
    private final class Builder {
        var children: [String: Builder] = [:]
        var leaf: Leaf?
        func child(_ name: String) -> Builder {
            if let c = children[name] { return c }
            let c = Builder()
            children[name] = c
            return c
        }
        func frozen() -> Node { Node(children: children.mapValues { $0.frozen() }, leaf: leaf) }
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
        var i = 1
        while i < path.count {
            let name = path[i]
            if first == "desk", i == 1, name == "api" {
                guard path.count > 2 else { return .namespace }
                guard let op = Catalog.shared.operation(id: path[2]) else {
                    return .missing(MissingName.message(namespace: "desk.api", name: path[2], siblings: []), segment: 2)
                }
                return path.count == 3 ? .operation(op) : .opaque
            }
            guard let child = node.children[name] else {
                if node.leaf != nil { return .opaque }
                let namespace = path.prefix(i).joined(separator: ".")
                return .missing(MissingName.message(namespace: namespace, name: name, siblings: Array(node.children.keys)), segment: i)
            }
            node = child
            i += 1
        }
        switch node.leaf {
        case .binding(let name, let paged)?:
            guard let b = FriendlyNames.binding(named: name) else { return .opaque }
            return .binding(b, paged: paged)
        case .helper(let h)?: return .helper(h)
        case nil: return .namespace
        }
    }
}
