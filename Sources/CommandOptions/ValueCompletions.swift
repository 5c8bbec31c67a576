import ArgumentParser
import DeskCatalog
import DeskCore
import DeskGate
import Foundation
import RunbookCheck

/// Shell completion of option values, not only flags: stored profiles for
/// --profile, binding and operation names for --allow/--deny and
/// `api show`, the runbook's own parameters for --param, and recent run ids
/// for --resume. Completion never creates state: a missing store completes nothing.
package enum ValueCompletions {
    static let profiles = CompletionKind.custom { (_: [String], _: Int, prefix: String) async -> [String] in
        let path = SQLiteTokenStore.defaultPath()
        guard FileManager.default.fileExists(atPath: path), let store = try? SQLiteTokenStore(path: path),
              let names = try? await store.profileNames() else { return [] }
        return names.filter { $0.hasPrefix(prefix) }
    }

    package static let operations = CompletionKind.custom { (_: [String], _: Int, prefix: String) -> [String] in
        ValueCompletions.operationNames(prefix: prefix)
    }

    package static let runIds = CompletionKind.custom { (_: [String], _: Int, prefix: String) -> [String] in
        let path = Journal.defaultPath()
        guard FileManager.default.fileExists(atPath: path), let registry = try? RunRegistry(path: path),
              let runs = try? registry.recent(limit: 50) else { return [] }
        return runs.map(\.id).filter { $0.hasPrefix(prefix) }
    }

    package static let parameters = CompletionKind.custom { (words: [String], _: Int, prefix: String) -> [String] in
        ValueCompletions.runbookParameters(words: words).map { "\($0)=" }.filter { $0.hasPrefix(prefix) }
    }

    /// Bindings, aliases, `desk.api.<id>` and operationIds starting with `prefix`;
    /// the namespaces of a partial name too, so `desk.ti` completes to `desk.tickets.`.
    static func operationNames(prefix: String) -> [String] {
        var names = Set<String>()
        for b in FriendlyNames.all where b.alias?.unsupported == nil && b.name.hasPrefix(prefix) {
            names.insert(b.name)
            let parts = b.name.split(separator: ".")
            if parts.count > 2 { names.insert(parts.dropLast().joined(separator: ".") + ".*") }
        }
        for op in Catalog.shared.operations {
            if op.id.hasPrefix(prefix) { names.insert(op.id) }
            if "desk.api.\(op.id)".hasPrefix(prefix) { names.insert("desk.api.\(op.id)") }
        }
        return names.sorted()
    }

    /// The parameters the runbook named on the command line declares, read
    /// without running it (the same scan `zdsh check` makes).
    static func runbookParameters(words: [String]) -> [String] {
        guard let file = words.dropFirst().first(where: { $0.hasSuffix(".lua") && FileManager.default.fileExists(atPath: $0) }),
              let data = FileManager.default.contents(atPath: file) else { return [] }
        return RunbookDeclaration.parameterNames(in: [UInt8](data))
    }
}
