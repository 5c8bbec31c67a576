import DeskCatalog
import ShellCore

package extension OperationNames {
    /// Every name of every operation (bindings, aliases, `desk.api.<id>`,
    /// operationIds), for suggestions.
    static let suggestions = NameSuggestions(
        FriendlyNames.all.filter { $0.alias?.unsupported == nil }.map(\.name)
            + Catalog.shared.operations.flatMap { ["desk.api.\($0.id)", $0.id] })

    /// "did you mean desk.agents.deactivate?" for a name or pattern that
    /// names no operation; nil when nothing is close.
    static func hint(for name: String) -> String? { suggestions.hint(for: name) }
}
