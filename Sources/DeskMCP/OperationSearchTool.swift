import DeskCatalog
import DeskGate
import JSONValue

/// The catalog as an assistant searches it: the rows of `zdsh api list` and
/// the page of `zdsh api show`, as data.
enum OperationSearchTool {
    static let index = OperationSearch(names: OperationNames.names(of:))

    /// Operations for `query`, ranked (see DeskCatalog's OperationSearch),
    /// each row saying what it matched.
    static func search(_ query: String, destructiveOnly: Bool, limit: Int) -> JSON {
        var rows: [JSON] = []
        var total = 0
        for hit in index.search(query) {
            if destructiveOnly && !hit.operation.mayBeDestructive { continue }
            total += 1
            guard rows.count < limit else { continue }
            var r = row(hit.operation).objectValue ?? [:]
            if !hit.matched.isEmpty { r["matched"] = .array(Array(Set(hit.matched)).sorted().map(JSON.string)) }
            rows.append(.object(r))
        }
        return .object(["matches": .int(Int64(total)), "operations": .array(rows),
                        "more": .bool(total > rows.count)])
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
            var f: [String: JSON] = ["name": .string(p.name), "in": .string(p.location.rawValue), "required": .bool(p.required),
                                     "type": .string(ApiHelp.typeText(p.schema))]
            if let values = p.schema.enumValues { f["values"] = .array(values.map(JSON.string)) }
            return .object(f)
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
