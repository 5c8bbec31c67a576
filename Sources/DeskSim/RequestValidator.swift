import DeskCatalog
import JSONValue

/// Checks a request against its catalog operation before any handler runs:
/// path ids, required and typed query parameters, page-size maxima, and the
/// JSON body against the operation's body schema. Produces the `errors[]` of a
/// 422 INVALID_DATA. Uses only the pre-parsed `Schema` values (no spec parsing
/// per request).
enum RequestValidator {
    static func validate(_ op: DeskCatalog.Operation, pathParameters: [String: String], query: [String: String],
                         body: JSON?, rawBody: [UInt8]?) -> SimError? {
        var errors: [FieldError] = []
        for p in op.parameters {
            switch p.location {
            case .path:
                if let v = pathParameters[p.name], isIdSchema(p.schema), !isDigits(v) {
                    errors.append(FieldError(fieldName: p.name, errorType: "invalid", errorMessage: "\(p.name) must be a numeric id"))
                }
            case .query:
                guard let v = query[p.name] else {
                    if p.required, !SpecQuirks.optionalQuery.contains("\(op.id).\(p.name)"),
                       !SpecQuirks.optionalQueryNames.contains(p.name) { errors.append(FieldError(fieldName: p.name, errorType: "missing", errorMessage: "\(p.name) is required")) }
                    continue
                }
                checkScalar(v, p.schema, field: p.name, &errors)
                if p.name == "limit", let max = op.maxPageSize, let n = Int(v), n > max {
                    errors.append(FieldError(fieldName: "limit", errorType: "invalid", errorMessage: "limit must not exceed \(max)"))
                }
            case .header:
                continue
            }
        }
        if let b = op.body, b.contentType.contains("json") {
            if let raw = rawBody, !raw.isEmpty, body == nil {
                errors.append(FieldError(fieldName: "/", errorType: "invalid", errorMessage: "The body is not valid JSON"))
            } else {
                // Partial updates and the over-specified creates enforce nested
                // requirements only; their handlers check the fields that matter.
                let lenient = ["PATCH", "PUT"].contains(op.method) || SpecQuirks.lenientRequired.contains(op.id)
                if let body {
                    check(body, b.schema, pointer: "", topLevelRequired: !lenient, &errors)
                } else if b.required || (!b.schema.requiredProperties.isEmpty && !lenient) {
                    check(.object([:]), b.schema, pointer: "", topLevelRequired: !lenient, &errors)
                }
            }
        }
        return errors.isEmpty ? nil : .invalid(errors)
    }

    static func isDigits<S: StringProtocol>(_ s: S) -> Bool { !s.isEmpty && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }

    private static func isIdSchema(_ s: Schema) -> Bool {
        s.format == "int64" || s.pattern == "([0-9]+)" || (s.types.contains("integer") && !s.types.contains("string"))
    }

    /// A query value is always text; check it as the scalar the schema wants.
    private static func checkScalar(_ v: String, _ s: Schema, field: String, _ errors: inout [FieldError]) {
        func bad(_ why: String) { errors.append(FieldError(fieldName: field, errorType: "invalid", errorMessage: why)) }
        let numeric = (s.types.contains("integer") || s.types.contains("number")) && !s.types.contains("string")
        if numeric {
            guard let d = Double(v) else { return bad("\(field) must be a number") }
            if let min = s.minimum, d < min { return bad("\(field) must be at least \(min)") }
            if let max = s.maximum, d > max { return bad("\(field) must be at most \(max)") }
        }
        if s.types == ["boolean"] || s.types == ["boolean", "null"], v != "true", v != "false" {
            return bad("\(field) must be true or false")
        }
        // "sortBy=-createdTime" sorts descending on an allowed field.
        let v = SpecQuirks.sortField(field, v)
        if let e = s.enumValues, !e.isEmpty, !e.contains(v) {
            // Comma lists ("status=Open,Closed") are checked item by item.
            let parts = v.split(separator: ",").map { String($0) }
            if !parts.allSatisfy(e.contains) { return bad("\(field) must be one of \(e.joined(separator: ", "))") }
        }
    }

    static func check(_ value: JSON, _ s: Schema, pointer: String, topLevelRequired: Bool = true, _ errors: inout [FieldError]) {
        let field = pointer.isEmpty ? "/" : pointer
        func bad(_ why: String) { errors.append(FieldError(fieldName: field, errorType: "invalid", errorMessage: why)) }
        if !s.types.isEmpty, !typeMatches(value, s) {
            return bad("expected \(s.types.filter { $0 != "null" }.joined(separator: " or ")), got \(value.typeName)")
        }
        switch value {
        case .string(let str):
            if let e = s.enumValues, !e.isEmpty, !e.contains(str) { bad("must be one of \(e.joined(separator: ", "))") }
            if let m = s.minLength, str.count < m { bad("must be at least \(m) characters") }
            if let m = s.maxLength, str.count > m { bad("must be at most \(m) characters") }
        case .int, .double:
            let d = value.doubleValue ?? 0
            if let m = s.minimum, d < m { bad("must be at least \(m)") }
            if let m = s.maximum, d > m { bad("must be at most \(m)") }
        case .array(let items):
            if let m = s.minItems, items.count < m { bad("must have at least \(m) items") }
            if let m = s.maxItems, items.count > m { bad("must have at most \(m) items") }
            if let item = s.items {
                for (i, v) in items.enumerated() { check(v, item, pointer: "\(pointer)/\(i)", &errors) }
            }
        case .object(let o):
            for r in s.requiredProperties where topLevelRequired && (o[r] == nil || o[r] == .null) && !SpecQuirks.optionalBody.contains(r) {
                errors.append(FieldError(fieldName: "\(pointer)/\(r)", errorType: "missing", errorMessage: "\(r) is required"))
            }
            if let props = s.properties {
                for (k, v) in o {
                    if let ps = props[k] {
                        if v != .null { check(v, ps, pointer: "\(pointer)/\(k)", &errors) }
                    } else if !s.additionalProperties, SpecQuirks.rejectUnknownFields {
                        errors.append(FieldError(fieldName: "\(pointer)/\(k)", errorType: "invalid", errorMessage: "\(k) is not a known field"))
                    }
                }
            }
        default:
            break
        }
    }

    private static func typeMatches(_ v: JSON, _ s: Schema) -> Bool {
        for t in s.types {
            switch (t, v) {
            case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
                 ("integer", .int), ("number", .int), ("number", .double):
                return true
            case ("integer", .double(let d)) where d.rounded() == d:
                return true
            // Zoho ids are int64 values sent as digit strings.
            case ("integer", .string(let str)) where s.format == "int64" && isDigits(str):
                return true
            default:
                continue
            }
        }
        return false
    }
}
