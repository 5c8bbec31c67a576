@preconcurrency import DeskCatalog
import JSONValue
@preconcurrency import Shell

/// The catalog as an assistant searches it: the rows of `zdsh api list` and
/// the page of `zdsh api show`, as data.
enum OperationSearch {
    /// Operations whose friendly names, operationId or path contain every
    /// word of `query` (case-insensitive), reads and writes alike.
    static func search(_ query: String, destructiveOnly: Bool, limit: Int) -> JSON {
        let words = query.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var rows: [JSON] = []
        var total = 0
        for op in Catalog.shared.operations {
            if destructiveOnly && !op.mayBeDestructive { continue }
            let hay = (OperationNames.names(of: op.id) + [op.path, op.id]).joined(separator: " ").lowercased()
            guard words.allSatisfy({ hay.contains($0) }) else { continue }
            total += 1
            if rows.count < limit { rows.append(row(op)) }
        }
        return .object(["matches": .int(Int64(total)), "operations": .array(rows),
                        "truncated": .bool(total > rows.count)])
    }

    static func row(_ op: DeskCatalog.Operation) -> JSON {
        var o: [String: JSON] = [
            "name": .string(OperationNames.preferred(op.id)), "operation": .string(op.id),
            "method": .string(op.method), "path": .string(op.path), "safety": .string(op.safety.rawValue),
        ]
        if op.mayBeDestructive && op.safety != .destructive { o["destructive_under_some_arguments"] = .bool(true) }
        if op.unbounded { o["unbounded"] = .bool(true) }
        return .object(o)
    }

    /// One operation or binding in full; nil when the name is unknown.
    static func describe(_ name: String) -> (text: String, json: JSON)? {
        guard let text = ApiHelp.describe(name), let (op, binding) = ApiHelp.resolve(name) else { return nil }
        var o = row(op).objectValue ?? [:]
        if let binding {
            o["call"] = .string("\(binding.name)(" + (binding.positional.map { "<\($0)>" } + ["{options}"]).joined(separator: ", ") + ")")
        } else {
            o["call"] = .string("desk.api.\(op.id){ …arguments by name… }")
        }
        o["parameters"] = .array(op.parameters.filter { $0.location != .header }.map { p in
            .object(["name": .string(p.name), "in": .string(p.location.rawValue), "required": .bool(p.required),
                     "type": .string(ApiHelp.typeText(p.schema))])
        })
        if let body = op.body {
            let required = Set(body.schema.requiredProperties)
            o["body"] = .array((body.schema.properties ?? [:]).sorted { $0.key < $1.key }.prefix(60).map { k, s in
                .object(["name": .string(k), "required": .bool(required.contains(k)), "type": .string(ApiHelp.typeText(s))])
            })
        }
        o["effect_rules"] = .array(op.effectRules.map { rule in
            .object(["id": .string(rule.id), "when": .string(rule.condition.description),
                     "safety": .string(rule.safety.rawValue), "reason": .string(rule.reason)])
        })
        return (text, .object(o))
    }
}
