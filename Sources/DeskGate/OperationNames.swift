import DeskCatalog

/// Every name by which Lua code can reach an operation: `desk.api.<id>`, the
/// bare operationId, friendly bindings and the earlier client's aliases.
/// Policy patterns match against all of them, so whichever route a runbook
/// takes, the same grant (or its absence) applies.
package enum OperationNames {
    private static let byOperation: [String: [String]] = {
        var map: [String: [String]] = [:]
        for b in FriendlyNames.all where b.alias?.unsupported == nil {
            map[b.operationId, default: []].append(b.name)
        }
        return map
    }()

    package static func names(of operationId: String) -> [String] {
        ["desk.api.\(operationId)", operationId] + (byOperation[operationId] ?? [])
    }

    /// The friendliest name: the first friendly binding, else `desk.api.<id>`.
    package static func preferred(_ operationId: String) -> String {
        byOperation[operationId]?.first { !$0.contains("_") || $0.contains(".") } ?? "desk.api.\(operationId)"
    }

    /// The bindings (friendly and alias) that reach an operation.
    package static func bindings(of operationId: String) -> [FriendlyNames.Binding] {
        FriendlyNames.all.filter { $0.operationId == operationId }
    }
}
