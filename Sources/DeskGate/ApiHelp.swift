import DeskCatalog
import DeskCore

/// Catalog facts about one binding or operation, for `zdsh api show` and the
/// REPL's `:help`.
package enum ApiHelp {
    package static func resolve(_ name: String) -> (DeskCatalog.Operation, FriendlyNames.Binding?)? {
        if let b = FriendlyNames.binding(named: name), let op = Catalog.shared.operation(id: b.operationId) { return (op, b) }
        let id = name.hasPrefix("desk.api.") ? String(name.dropFirst(9)) : name
        if let op = Catalog.shared.operation(id: id) { return (op, nil) }
        return nil
    }

    package static func describe(_ name: String) -> String? {
        guard let (op, binding) = resolve(name) else { return nil }
        var lines: [String] = []
        let conditional = op.safety != .destructive && op.mayBeDestructive ? " (DESTRUCTIVE under some arguments: see effect rules)" : ""
        lines.append("\(binding?.name ?? "desk.api.\(op.id)")  —  \(op.safety.rawValue.uppercased())\(op.unbounded ? ", UNBOUNDED" : "")\(conditional)")
        lines.append("  \(op.method) \(op.path)   (operationId \(op.id), \(op.group))")
        if let b = binding {
            let args = b.positional.map { "<\($0)>" } + ["{options}"]
            lines.append("  call: \(b.name)(\(args.joined(separator: ", ")))")
            if let hc = b.positional.first(where: { b.target(of: $0, in: op) == .unused }) {
                lines.append("  \(hc): \(HelpCenterCheck.note(for: op))")
            }
            if !b.options.isEmpty {
                lines.append("  options: " + b.options.sorted { $0.key < $1.key }.map { "\($0.key) → \($0.value)" }.joined(separator: ", "))
            }
            if let a = b.alias {
                lines.append("  alias of the earlier client (\(a.oldPath)); use \(a.replacement)")
                if let u = a.unsupported { lines.append("  unsupported: \(u)") }
            }
        } else {
            lines.append("  call: desk.api.\(op.id){ …arguments by name… }")
        }
        let params = op.parameters.filter { $0.location != .header }
        if !params.isEmpty {
            lines.append("  parameters:")
            for p in params {
                lines.append("    \(p.name) (\(p.location.rawValue), \(typeText(p.schema)))\(isRequired(p, of: op) ? " required" : "")")
            }
        }
        if let body = op.body {
            let req = requiredBodyFields(op)
            lines.append("  body (\(body.contentType))\(body.required && SpecQuirks.enforcesRequiredBody(op) ? " required" : ""):")
            for (k, s) in (body.schema.properties ?? [:]).sorted(by: { $0.key < $1.key }).prefix(40) {
                let type = s.format == "binary" && op.takesFiles
                    ? "a file: \"path\", { path = … } or { name = …, content = … }; at most \(UploadLimits.describe(UploadLimits.maximumBytes(for: op.id)))"
                    : typeText(s)
                lines.append("    \(k) (\(type))\(req.contains(k) ? " required" : "")")
            }
        }
        if let fact = InverseFact.of(op.id) { lines.append("  undo: \(fact.described(op.id))") }
        lines.append("  scopes (any one): \(op.scopes.joined(separator: ", "))")
        if let page = op.maxPageSize { lines.append("  page size: up to \(page)") }
        let names = OperationNames.bindings(of: op.id).map(\.name)
        if !names.isEmpty { lines.append("  reached by: \(names.joined(separator: ", ")), desk.api.\(op.id)") }
        lines += effectLines(op)
        if op.mayBeDestructive {
            let when = op.safety == .destructive ? "" : " (calls the rules above make destructive)"
            lines.append("  denied unless allowed\(when): --allow \(binding?.name ?? op.id)")
        }
        return lines.joined(separator: "\n")
    }

    /// When a call is more than the operation's class: reach, and each reviewed
    /// effect rule with its condition and reason.
    static func effectLines(_ op: DeskCatalog.Operation) -> [String] {
        var lines: [String] = []
        if op.unbounded { lines.append("  unbounded: every call reaches records it does not list, so caps cannot count them") }
        if !op.effectRules.isEmpty {
            lines.append("  effect rules (a call that meets one takes its class):")
            for rule in op.effectRules {
                lines.append("    \(op.effectNote(for: rule))  [\(rule.id)]: \(rule.reason)")
            }
        }
        return lines
    }

    package static func typeText(_ s: Schema) -> String {
        var t = ArgumentBinder.describe(s)
        if let e = s.enumValues, !e.isEmpty { t += ": " + e.prefix(8).joined(separator: "|") + (e.count > 8 ? "|…" : "") }
        if let max = s.maximum { t += ", ≤ \(SchemaValidator.fmt(max))" }
        if let max = s.maxItems { t += ", ≤ \(max) items" }
        return t
    }
}
