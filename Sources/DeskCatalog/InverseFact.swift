/// How `zdsh undo` reverts one mutating operation: the reviewed row of
/// catalog/inverses.tsv, generated into `inverseFacts` by scripts/gen-catalog
/// (whose --check keeps one row per mutating operation of the catalog).
package struct InverseFact: Sendable, Equatable {
    package enum Kind: String, Sendable {
        /// Each field the call set goes back to its value before (read just
        /// before the call, or the plan's drift read).
        case restoreFields = "restore-fields"
        /// The ids an add added are removed by the inverse; a remove's ids added back.
        case membership
        /// Records moved to the recycle bin are restored from it.
        case restoreFromTrash = "restore-from-trash"
        /// The record the call created is deleted.
        case deleteCreated = "delete-created"
        /// Nothing takes it back (a reply sent, a hard delete, no inverse in the
        /// API): "none" in the table (not `.none`, which Optional's case would shadow).
        case irreversible = "none"
    }

    package let kind: Kind
    /// The operation that reverts it (nil for `.irreversible`).
    package let inverse: String?
    /// How the call's arguments become the inverse's: nil (the same path
    /// ids and body), "a>b" (body field a sent as field b), "id>{p}" or
    /// "id>f[]" (the created record's id as path parameter p, or as a
    /// one-element list in body field f).
    package let mapping: String?
    /// Why it cannot be undone (for `.irreversible`).
    package let reason: String?

    package init(kind: Kind, inverse: String? = nil, mapping: String? = nil, reason: String? = nil) {
        self.kind = kind; self.inverse = inverse; self.mapping = mapping; self.reason = reason
    }

    /// The reviewed fact for `operationId`; nil for reads and anything outside the catalog.
    package static func of(_ operationId: String) -> InverseFact? { inverseFacts[operationId] }

    /// The mapping split at ">": (source, target).
    package var mapped: (source: String, target: String)? {
        guard let mapping, let cut = mapping.firstIndex(of: ">") else { return nil }
        return (String(mapping[..<cut]), String(mapping[mapping.index(after: cut)...]))
    }

    /// One line for `zdsh api show` and the undo plan.
    package func described(_ operationId: String) -> String {
        switch kind {
        case .restoreFields: return "yes: each field it sets goes back to its value before (read just before the call)"
        case .membership: return "yes: undone by \(inverse ?? "?") with the same ids\(mapping.map { " (\($0))" } ?? "")"
        case .restoreFromTrash: return "yes: the records go back from the recycle bin with \(inverse ?? "?")"
        case .deleteCreated: return "yes: the record it creates is deleted with \(inverse ?? "?") (destructive in the undo plan)"
        case .irreversible: return "no: \(reason ?? "nothing in the API takes it back")"
        }
    }
}
