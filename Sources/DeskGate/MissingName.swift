import DeskCatalog
import LuaHost
import ShellCore

/// The error for a name a `desk`/`helpcenter` namespace does not have
/// (`desk.tikets`, `desk.tickets.lst`, `desk.api.getTikets`), with the
/// closest names it does have.
package enum MissingName {
    /// "desk.tikets: no such binding or namespace; did you mean desk.tickets?"
    package static func message(namespace: String, name: String, siblings: [String]) -> String {
        let full = "\(namespace).\(Terminal.visible(name))"
        let candidates = namespace == "desk.api" ? Catalog.shared.operations.map(\.id) : siblings.sorted()
        let what = namespace == "desk.api" ? "no such operation" : "no such binding or namespace"
        guard let hint = NameSuggestions.phrase(NameSuggestions(candidates).closest(to: name).map { "\(namespace).\($0)" }) else {
            return "\(full): \(what) (see zdsh api list)"
        }
        return "\(full): \(what); \(hint)"
    }

    /// `H.missing_name(namespace, key[, sibling names])` for DeskLibrary.
    package static func hostFunction(_ call: HostCall) throws -> HostResult {
        let namespace = try call.string(1), name = try call.string(2)
        var siblings: [String] = []
        if call.count >= 3, case .array(let items) = try call.json(3) { siblings = items.compactMap(\.stringValue) }
        return .value(.string(message(namespace: namespace, name: name, siblings: siblings)))
    }
}
