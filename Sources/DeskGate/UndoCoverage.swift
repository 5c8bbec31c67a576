import DeskCatalog

/// What a dry run's plan warns before anything is sent: how many of its
/// calls `zdsh undo` could not take back, by operation (catalog/inverses.tsv).
package enum UndoCoverage {
    /// Planned calls nothing reverts, counted per operation, most first.
    static func irreversible(_ calls: [CallRecord]) -> [(operation: String, count: Int)] {
        var counts: [String: Int] = [:]
        for c in calls where c.safety != .read && (InverseFact.of(c.operationId)?.kind ?? .irreversible) == .irreversible {
            counts[c.operationId, default: 0] += 1
        }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// "zdsh: 3 planned calls cannot be undone: sendReply ×2, deleteTicketComment ×1"; nil when all can.
    package static func warning(_ calls: [CallRecord]) -> String? {
        let found = irreversible(calls)
        guard !found.isEmpty else { return nil }
        let total = found.reduce(0) { $0 + $1.count }
        return "zdsh: warning: \(total) planned call\(total == 1 ? "" : "s") cannot be undone (zdsh undo): "
            + found.map { "\(OperationNames.preferred($0.operation)) ×\($0.count)" }.joined(separator: ", ")
    }
}
