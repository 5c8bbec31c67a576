import DeskCatalog
import JSONValue

package extension ApiHelp {
    /// Whether zdsh (and, as far as is known, Zoho) insists on `p`: the
    /// spec marks some query parameters required that Zoho defaults.
    static func isRequired(_ p: Parameter, of op: DeskCatalog.Operation) -> Bool {
        p.required && !(p.location == .query && SpecQuirks.queryMayBeOmitted(op.id, p.name))
    }

    /// The body fields a call must carry: none for partial updates and the
    /// over-specified creates, whose schemas list (nearly) every field as
    /// required — the same rule the argument checks apply.
    static func requiredBodyFields(_ op: DeskCatalog.Operation) -> Set<String> {
        guard let body = op.body, SpecQuirks.enforcesRequiredBody(op) else { return [] }
        return Set(body.schema.requiredProperties).subtracting(SpecQuirks.optionalBody)
    }

    /// `zdsh api show NAME --json`: the facts `describe` shows, as data.
    static func json(_ name: String) -> JSON? {
        guard let (op, binding) = resolve(name) else { return nil }
        var o: [String: JSON] = [
            "name": .string(binding?.name ?? "desk.api.\(op.id)"),
            "operation": .string(op.id),
            "group": .string(op.group),
            "method": .string(op.method),
            "path": .string(op.path),
            "safety": .string(op.safety.rawValue),
            "may_be_destructive": .bool(op.mayBeDestructive),
            "unbounded": .bool(op.unbounded),
            "scopes": .array(op.scopes.map(JSON.string)),
            "reached_by": .array(OperationNames.bindings(of: op.id).map { .string($0.name) }),
            "parameters": .array(op.parameters.filter { $0.location != .header }.map { p in
                ["name": .string(p.name), "in": .string(p.location.rawValue), "type": .string(typeText(p.schema)),
                 "required": .bool(isRequired(p, of: op))]
            }),
            "effect_rules": .array(op.effectRules.map { rule in
                ["id": .string(rule.id), "when": .string(rule.condition.description), "safety": .string(rule.safety.rawValue),
                 "unbounded": .bool(rule.unbounded), "reason": .string(rule.reason)]
            }),
        ]
        if let b = binding {
            o["positional"] = .array(b.positional.map(JSON.string))
            o["options"] = .object(b.options.mapValues(JSON.string))
            if let a = b.alias { o["alias_of"] = .string(a.oldPath); o["use_instead"] = .string(a.replacement) }
        }
        if let body = op.body {
            let required = requiredBodyFields(op)
            o["body"] = [
                "content_type": .string(body.contentType),
                "required": .bool(body.required && SpecQuirks.enforcesRequiredBody(op)),
                "properties": .array((body.schema.properties ?? [:]).sorted { $0.key < $1.key }.map { k, s in
                    ["name": .string(k), "type": .string(typeText(s)), "required": .bool(required.contains(k))]
                }),
            ]
        }
        if let page = op.maxPageSize { o["page_size"] = .int(Int64(page)) }
        return .object(o)
    }
}
