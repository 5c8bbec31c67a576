import DeskCatalog
import DeskCore
import JSONValue
import LuaHost
import ShellCore

/// One API call, resolved and validated, ready for the policy and the client.
package struct PreparedCall: Sendable {
    package let operation: DeskCatalog.Operation
    /// The name the Lua code used (binding, alias, `desk.api.<id>`, `desk.request`).
    package let calledAs: String
    package var path: [String: String]
    package var query: [String: String]
    package var body: JSON?
    /// Path ids and id lists involved, for plans, audit records and denials.
    package var ids: [String]
    /// A `desk.request` to a path outside the catalog (its operation is a
    /// stand-in named "request").
    package var uncatalogued = false
    /// Files sent as multipart/form-data parts (the body then holds only
    /// their descriptors: name, size, sha256).
    package var uploads: [UploadFile] = []
    /// File arguments as given, read by the gate (`loadingUploads`).
    var pendingUploads: [String: UploadArgument] = [:]
    /// The help-center id a `helpcenter.*` binding was given where the
    /// endpoint does not take it: not sent, but checked against the record
    /// where one read can tell (`HelpCenterCheck`).
    package var unusedHelpCenterId: String?
    /// Body fields let through unchecked because the runbook wrapped their
    /// table in `desk.unchecked{…}` (paths such as "/field"); audited and planned.
    package var uncheckedFields: [String] = []

    /// What the call does, by its operation and, where an effect rule says
    /// so, its arguments: the policy, caps and plans go by this.
    package var effect: CallClassification {
        if uncatalogued {
            return CallClassification(safety: operation.method == "GET" ? .read : .destructive, rule: nil, unbounded: false)
        }
        return operation.classify(query: query, body: body)
    }

    /// The same call without some of its listed ids (resume: the ids that
    /// already succeeded); nil when no listed id remains.
    func without(ids done: Set<String>) -> PreparedCall? {
        guard case .object(var fields)? = body else { return self }
        var removed = false
        for (key, value) in fields {
            guard key.hasSuffix("Ids") || key == "ids", case .array(let items) = value else { continue }
            let kept = items.filter { ArgumentBinder.scalarString($0).map { !done.contains($0) } ?? true }
            if kept.count != items.count { fields[key] = .array(kept); removed = true }
            if kept.isEmpty { return nil }
        }
        guard removed else { return self }
        var copy = self
        copy.body = .object(fields)
        let located = Set(path.values)
        copy.ids = ids.filter { located.contains($0) || !done.contains($0) }
        return copy
    }

    /// How many records the call affects, for the blast-radius caps: its ids
    /// (at least one); nil when the set is unbounded ("all", empty the bin).
    /// Path ids locate the record (a label, a ticket's comment); ids listed
    /// in the body are the records a mass action touches.
    package var records: Int? {
        if effect.unbounded { return nil }
        let located = Set(path.values)
        return max(1, ids.filter { !located.contains($0) }.count)
    }
}

/// Turns Lua arguments into path, query and body values by the catalog, and
/// refuses anything the operation would reject, before any request is made.
package enum ArgumentBinder {
    /// A friendly binding or alias: positional arguments, then an optional table.
    package static func bind(binding: FriendlyNames.Binding, operation op: DeskCatalog.Operation, arguments: [JSON]) throws -> [PreparedCall] {
        let fname = binding.name
        var named: [(wire: String, value: JSON, position: Int?)] = []
        var args = arguments
        var options: [String: JSON] = [:]
        if args.count > binding.positional.count, case .object(let o)? = args.last {
            options = o
            args.removeLast()
        } else if args.count == binding.positional.count + 1, args.last == .null {
            args.removeLast()
        }
        if args.count > binding.positional.count {
            throw ArgumentError(function: fname, position: binding.positional.count + 1,
                                expected: "at most \(binding.positional.count) argument\(binding.positional.count == 1 ? "" : "s") and an options table expected")
        }
        for (n, wire) in binding.positional.enumerated() {
            let value = n < args.count ? args[n] : .null
            if value == .null {
                // The help-center id may be omitted where the endpoint does not use it.
                if binding.target(of: wire, in: op) == .unused { continue }
                if case .object(let o) = options.first(where: { _ in false })?.value ?? .null, o.isEmpty {}
                if let fromOptions = options[wire] { named.append((wire, fromOptions, nil)); options[wire] = nil; continue }
                throw ArgumentError(function: fname, position: n + 1, name: wire, expected: "\(expectation(for: wire, in: op)) expected, got no value")
            }
            named.append((wire, value, n + 1))
        }
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            named.append((binding.wireName(forOption: key), value, nil))
        }
        return try assemble(op, calledAs: fname, named: named, target: { binding.target(of: $0, in: op) },
                            declaredQuery: Set(binding.queryNames))
    }

    /// `desk.api.<operationId>{…}`: one table of wire-named arguments.
    package static func bind(operation op: DeskCatalog.Operation, table: JSON) throws -> [PreparedCall] {
        let fname = "desk.api.\(op.id)"
        guard case .object(let fields) = table else {
            if table == .null { return try assemble(op, calledAs: fname, named: [], target: { defaultTarget($0, op) }) }
            throw ArgumentError(function: fname, position: 1, expected: "table of arguments expected, got \(table.typeName)")
        }
        let named = fields.sorted { $0.key < $1.key }.map { (wire: $0.key, value: $0.value, position: Int?.none) }
        return try assemble(op, calledAs: fname, named: named, target: { defaultTarget($0, op) })
    }

    /// A request given as method + path (`desk.request`, a plan being
    /// applied): every value is checked where it was given — path values
    /// against the path parameters, query values against the query
    /// parameters, the body against the body schema — so a raw route gets
    /// the same validation as the binding, and nothing can change place.
    package static func bind(operation op: DeskCatalog.Operation, calledAs fname: String, path: [String: String],
                     query: [String: String], body: JSON?) throws -> [PreparedCall] {
        var named: [(wire: String, value: JSON, position: Int?)] = []
        var targets: [String: FriendlyNames.ArgumentTarget] = [:]
        for (k, v) in path.sorted(by: { $0.key < $1.key }) {
            named.append((k, .string(v), nil)); targets[k] = .path
        }
        for (k, v) in query.sorted(by: { $0.key < $1.key }) {
            guard op.parameters.contains(where: { $0.name == k && $0.location == .query }) else {
                throw ArgumentError(function: fname, name: k, expected: unknownArgument(k, of: op))
            }
            named.append((k, .string(v), nil)); targets[k] = .query
        }
        switch body {
        case nil, .null?: break
        case .object(let fields)?:
            for (k, v) in fields.sorted(by: { $0.key < $1.key }) {
                if targets[k] != nil {
                    throw ArgumentError(function: fname, name: k, expected: "one value: \(k) is given both in the body and in the path or query")
                }
                named.append((k, v, nil)); targets[k] = .body
            }
        case let other?:
            throw ArgumentError(function: fname, name: "body", expected: "a table of body fields expected, got \(other.typeName)")
        }
        return try assemble(op, calledAs: fname, named: named, target: { targets[$0] ?? .body })
    }

    static func defaultTarget(_ wire: String, _ op: DeskCatalog.Operation) -> FriendlyNames.ArgumentTarget {
        if op.parameters.contains(where: { $0.name == wire && $0.location == .path }) { return .path }
        if op.parameters.contains(where: { $0.name == wire && $0.location == .query }) { return .query }
        if op.body?.schema.properties?[wire] != nil { return .body }
        // As the operation's helpcenter.* binding takes it: not sent, checked where a read can tell.
        if wire == "helpCenterId", OperationNames.bindings(of: op.id).contains(where: { $0.name.hasPrefix("helpcenter.") }) {
            return .unused
        }
        return op.body != nil ? .body : .query
    }

    private static func expectation(for wire: String, in op: DeskCatalog.Operation) -> String {
        if let p = op.parameters.first(where: { $0.name == wire }) { return describe(p.schema) }
        if let s = op.body?.schema.properties?[wire] { return describe(s) }
        return "a value"
    }

    static func describe(_ s: Schema) -> String {
        if SchemaValidator.isIdSchema(s) { return "an id" }
        if s.types.contains("array") {
            if let i = s.items, SchemaValidator.isIdSchema(i) { return "a list of ids" }
            return "a list"
        }
        return SchemaValidator.describe(Set(s.types)).isEmpty ? "a value" : SchemaValidator.describe(Set(s.types))
    }

    private static func assemble(_ op: DeskCatalog.Operation, calledAs fname: String,
                                 named: [(wire: String, value: JSON, position: Int?)],
                                 target: (String) -> FriendlyNames.ArgumentTarget,
                                 declaredQuery: Set<String> = []) throws -> [PreparedCall] {
        var path: [String: String] = [:]
        var query: [String: String] = [:]
        var body: [String: JSON] = [:]
        var ids: [String] = []
        var uploads: [String: UploadArgument] = [:]
        let fileFields = Set(op.fileFields)
        var unusedHelpCenterId: String?

        for (wire, value, position) in named {
            let fail = { (expected: String) in ArgumentError(function: fname, position: position, name: wire, expected: expected) }
            switch wire == UncheckedFields.marker ? .body : target(wire) {
            case .unused:
                if value == .null { continue }
                guard let s = scalarString(value), !s.isEmpty && s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                    throw fail("a help-center id (digits) expected, got \(value.typeName)")
                }
                unusedHelpCenterId = s
            case .path:
                let s = try pathValue(value, schema: op.parameters.first { $0.name == wire }!.schema, fail: fail)
                path[wire] = s
                ids.append(s)
            case .query:
                if value == .null { continue }
                let parameter = op.parameters.first { $0.name == wire && $0.location == .query }
                if parameter == nil && !declaredQuery.contains(wire) { throw fail(unknownArgument(wire, of: op)) }
                query[wire] = try queryValue(value, parameter: parameter, fail: fail)
            case .body where wire == UncheckedFields.marker && (op.body == nil || op.takesFiles):
                throw ArgumentError(function: fname, position: position, name: "desk.unchecked",
                                    expected: "\(op.method) \(op.path) takes no JSON body to wrap")
            case .body where fileFields.contains(wire):
                uploads[wire] = try UploadArgument.parse(value, function: fname, field: wire)
            case .body:
                body[wire] = value
                if case .array(let items) = value, wire.hasSuffix("Ids") || wire == "ids" {
                    ids.append(contentsOf: items.compactMap(scalarString))
                }
            }
        }
        try checkRequired(op, calledAs: fname, path: path, query: query)
        var bodyJSON: JSON?
        var unchecked: [String] = []
        if op.takesFiles {
            try checkUploadForm(op, calledAs: fname, files: uploads, fields: body)
        } else {
            bodyJSON = try bodyValue(op, calledAs: fname, body: body, named: named, unchecked: &unchecked)
        }
        var call = PreparedCall(operation: op, calledAs: fname, path: path, query: query, body: bodyJSON, ids: ids)
        call.uncheckedFields = unchecked
        call.pendingUploads = uploads
        call.unusedHelpCenterId = unusedHelpCenterId
        return split(call)
    }

    /// A path parameter checked against its schema, as the text the path holds.
    private static func pathValue(_ value: JSON, schema: Schema, fail: (String) -> ArgumentError) throws -> String {
        let checked: JSON
        do { checked = try SchemaValidator.check(value, schema) } catch let f as SchemaValidator.Failure {
            throw fail(f.expected)
        }
        guard let s = scalarString(checked) else { throw fail("an id expected, got \(value.typeName)") }
        return s
    }

    /// A query value checked against its parameter's schema (a list given
    /// for a scalar parameter is sent comma-joined), as the text sent.
    private static func queryValue(_ value: JSON, parameter: DeskCatalog.Parameter?, fail: (String) -> ArgumentError) throws -> String {
        var checked = value
        if let p = parameter {
            if case .array(let items) = value, !p.schema.types.contains("array") {
                checked = .string(items.compactMap(scalarString).joined(separator: ","))
            }
            // "-createdTime": the enum names the field, the "-" its order.
            if case .string(let s) = checked, SpecQuirks.sortField(p.name, s) != s {
                do { _ = try SchemaValidator.check(.string(SpecQuirks.sortField(p.name, s)), p.schema) } catch let f as SchemaValidator.Failure {
                    throw fail(f.expected)
                }
                return s
            }
            do { checked = try SchemaValidator.check(checked, p.schema) } catch let f as SchemaValidator.Failure {
                throw fail(f.expected)
            }
        }
        switch checked {
        case .array(let items): return items.compactMap(scalarString).joined(separator: ",")
        default:
            guard let s = scalarString(checked) else { throw fail("a string, number or boolean expected, got \(value.typeName)") }
            return s
        }
    }

    /// Every required path and query parameter given (the spec's quirks aside).
    private static func checkRequired(_ op: DeskCatalog.Operation, calledAs fname: String,
                                      path: [String: String], query: [String: String]) throws {
        for p in op.parameters where p.required && p.location != .header
            && !(p.location == .query && SpecQuirks.queryMayBeOmitted(op.id, p.name)) {
            let present = p.location == .path ? path[p.name] != nil : query[p.name] != nil
            if !present {
                throw ArgumentError(function: fname, position: nil, name: p.name, expected: "\(describe(p.schema)) expected, got no value")
            }
        }
    }

    /// The JSON body checked against the operation's schema; nil when there
    /// is none to send. An error names the argument (and the path inside it).
    private static func bodyValue(_ op: DeskCatalog.Operation, calledAs fname: String, body: [String: JSON],
                                  named: [(wire: String, value: JSON, position: Int?)], unchecked: inout [String]) throws -> JSON? {
        guard let b = op.body else {
            if let name = body.keys.sorted().first {
                throw ArgumentError(function: fname, name: name, expected: unknownArgument(name, of: op))
            }
            return nil
        }
        let strict = SpecQuirks.enforcesRequiredBody(op)
        if body.isEmpty && (!b.required || !strict) && (b.schema.requiredProperties.isEmpty || !strict) { return nil }
        do {
            let checked = try SchemaValidator.check(.object(body), b.schema, requireTopLevel: strict, unchecked: &unchecked)
            // A body that was only a desk.unchecked{} marker sends nothing.
            return checked == .object([:]) && body.count == 1 && body[UncheckedFields.marker] != nil ? nil : checked
        } catch let f as SchemaValidator.Failure {
            let field = f.path.split(separator: "/").first.map(String.init) ?? ""
            let position = named.first { $0.wire == field }?.position
            let rest = f.path.split(separator: "/").dropFirst().joined(separator: "/")
            var expected = f.expected
            if f.isUnknownField, rest.isEmpty, answersWith(field, op) {
                expected = "read-only: \(op.id) answers with \(field) but does not take it"
            }
            throw ArgumentError(function: fname, position: position,
                                name: field.isEmpty ? nil : (rest.isEmpty ? field : "\(field)/\(rest)"),
                                expected: expected)
        }
    }

    /// Whether the operation's success answer has `field` at its top level:
    /// a field Zoho returns that the request schema does not take is read-only
    /// (`id`, `createdTime`). Only on the error path (it loads the answers).
    static func answersWith(_ field: String, _ op: DeskCatalog.Operation) -> Bool {
        guard let status = op.successCodes.first else { return false }
        return ResponseSchemas.shared.schema(op.id, status: status)?.properties?[field] != nil
    }

    /// "no such argument for GET /api/v1/tickets; did you mean limit?": a
    /// name that is none of the operation's path, query or body names.
    static func unknownArgument(_ name: String, of op: DeskCatalog.Operation) -> String {
        let known = op.parameters.filter { $0.location != .header }.map(\.name) + (op.body?.schema.properties?.keys.sorted() ?? [])
        let base = "no such argument for \(op.method) \(op.path)"
        if let hint = NameSuggestions(known).hint(for: name) { return "\(base); \(hint)" }
        return known.isEmpty ? "\(base) (it takes no arguments)" : "\(base) (it takes \(known.prefix(15).joined(separator: ", "))\(known.count > 15 ? ", …" : ""))"
    }

    /// A multipart form: every required file given, and nothing else (the
    /// spec's forms hold only their files).
    private static func checkUploadForm(_ op: DeskCatalog.Operation, calledAs fname: String,
                                        files: [String: UploadArgument], fields: [String: JSON]) throws {
        if let missing = op.body?.schema.requiredProperties.sorted().first(where: { files[$0] == nil }) {
            throw ArgumentError(function: fname, name: missing, expected: "\(UploadArgument.expected), got no value")
        }
        if let extra = fields.keys.sorted().first {
            throw ArgumentError(function: fname, name: extra,
                                expected: "no such argument for \(op.method) \(op.path) (its form takes \(op.fileFields.joined(separator: ", ")))")
        }
    }

    /// Lists of ids longer than one request accepts become several requests.
    static func split(_ call: PreparedCall) -> [PreparedCall] {
        guard case .object(let fields)? = call.body, let props = call.operation.body?.schema.properties else { return [call] }
        for (key, schema) in props.sorted(by: { $0.key < $1.key }) {
            guard let max = schema.maxItems, max > 0, case .array(let items)? = fields[key], items.count > max else { continue }
            return stride(from: 0, to: items.count, by: max).map { start in
                var part = call
                var f = fields
                let chunk = Array(items[start..<min(start + max, items.count)])
                f[key] = .array(chunk)
                part.body = .object(f)
                part.ids = call.ids.filter { id in !items.contains(.string(id)) } + chunk.compactMap(scalarString)
                return part
            }
        }
        return [call]
    }

    package static func scalarString(_ v: JSON) -> String? {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
}
