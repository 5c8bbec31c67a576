import JSONValue

/// Turns the generated catalog JSON into `Operation` values.
///
/// Key legend (kept short because the JSON is embedded in the binary):
///   operation: id, g group, m method, p path template, ps parameters, b body,
///              sc scopes, ok success codes, env envelope, maxPage, safety, noAuth,
///              reach ("unbounded" or absent), fx effect rules, nt notify (true or absent)
///   effect rule: id, c condition text, loc body|query, f field path, t test
///              (in|notin|eq|ne|present|count|hasfalse), v its value, s safety
///              (read|write|destructive, or notify: a write that also notifies), u unbounded, r reason
///   parameter: n name, in location, r required, s schema
///   body:      ct content type, r required, s schema
///   schema:    t types, f format, e enum, min, max, minL, maxL, p pattern, i items,
///              minI, maxI, props, req required properties, ap (false = closed object)
public enum CatalogDecoder {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func decode(json: JSON) throws -> [Operation] {
        guard let list = json["operations"]?.arrayValue else {
            throw Failure(description: "no \"operations\" array")
        }
        return try list.map(operation).sorted { $0.id < $1.id }
    }

    static func operation(_ j: JSON) throws -> Operation {
        guard let id = j["id"]?.stringValue, let method = j["m"]?.stringValue,
              let path = j["p"]?.stringValue else {
            throw Failure(description: "operation without id/m/p: \(j)")
        }
        guard let safety = j["safety"]?.stringValue.flatMap(Safety.init(rawValue:)) else {
            throw Failure(description: "\(id): missing or unknown safety")
        }
        let parameters = try (j["ps"]?.arrayValue ?? []).map { p -> Parameter in
            guard let name = p["n"]?.stringValue,
                  let location = p["in"]?.stringValue.flatMap(Parameter.Location.init(rawValue:)) else {
                throw Failure(description: "\(id): bad parameter \(p)")
            }
            return Parameter(name: name, location: location, required: p["r"]?.boolValue ?? false,
                             schema: schema(p["s"]))
        }
        var body: Body?
        if let b = j["b"] {
            body = Body(contentType: b["ct"]?.stringValue ?? "application/json",
                        required: b["r"]?.boolValue ?? false, schema: schema(b["s"]))
        }
        return Operation(
            id: id, group: j["g"]?.stringValue ?? "", method: method, path: path,
            parameters: parameters, body: body,
            scopes: (j["sc"]?.arrayValue ?? []).compactMap(\.stringValue),
            successCodes: (j["ok"]?.arrayValue ?? []).compactMap { $0.intValue.map(Int.init) },
            envelope: try envelope(j["env"]?.stringValue ?? "object", id: id),
            maxPageSize: j["maxPage"]?.intValue.map(Int.init),
            safety: safety,
            requiresAuth: !(j["noAuth"]?.boolValue ?? false),
            unbounded: j["reach"]?.stringValue == "unbounded",
            effectRules: try (j["fx"]?.arrayValue ?? []).map { try effectRule($0, operationId: id) },
            notifies: j["nt"]?.boolValue ?? false)
    }

    static func effectRule(_ j: JSON, operationId: String) throws -> EffectRule {
        guard let id = j["id"]?.stringValue,
              let location = j["loc"]?.stringValue.flatMap(EffectCondition.Location.init(rawValue:)),
              let path = j["f"]?.arrayValue?.compactMap(\.stringValue), !path.isEmpty,
              let safetyText = j["s"]?.stringValue,
              let safety = safetyText == "notify" ? Safety.write : Safety(rawValue: safetyText),
              let reason = j["r"]?.stringValue else {
            throw Failure(description: "\(operationId): bad effect rule \(j)")
        }
        let test: EffectCondition.Test
        switch (j["t"]?.stringValue, j["v"]) {
        case ("in", .array(let values)?): test = .isOneOf(values.compactMap(\.stringValue))
        case ("notin", .array(let values)?): test = .isNoneOf(values.compactMap(\.stringValue))
        case ("eq", .bool(let b)?): test = .equals(b)
        case ("ne", .bool(let b)?): test = .differs(b)
        case ("present", _): test = .present
        case ("count", .int(let n)?): test = .countAbove(Int(n))
        case ("hasfalse", _): test = .hasFalse
        default: throw Failure(description: "\(operationId): effect rule \(id) has an unknown test")
        }
        return EffectRule(id: id, operationId: operationId,
                          condition: EffectCondition(location: location, path: path, test: test),
                          safety: safety, unbounded: j["u"]?.boolValue ?? false, reason: reason,
                          notifies: safetyText == "notify")
    }

    static func envelope(_ s: String, id: String) throws -> Envelope {
        switch s {
        case "empty": return .empty
        case "object": return .object
        case "bareArray": return .bareArray
        case "results": return .results
        case "binary": return .binary
        default:
            if s.hasPrefix("list:") { return .list(key: String(s.dropFirst(5))) }
            throw Failure(description: "\(id): unknown envelope \(s)")
        }
    }

    static func schema(_ j: JSON?) -> Schema {
        guard let j, case .object(let o) = j, !o.isEmpty else { return anything }
        let props = o["props"]?.objectValue?.mapValues { schema($0) }
        return Schema(
            types: o["t"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            format: o["f"]?.stringValue,
            enumValues: o["e"]?.arrayValue?.compactMap(\.stringValue),
            minimum: o["min"]?.doubleValue,
            maximum: o["max"]?.doubleValue,
            minLength: o["minL"]?.intValue.map(Int.init),
            maxLength: o["maxL"]?.intValue.map(Int.init),
            pattern: o["p"]?.stringValue,
            items: o["i"].map { schema($0) },
            minItems: o["minI"]?.intValue.map(Int.init),
            maxItems: o["maxI"]?.intValue.map(Int.init),
            properties: props,
            requiredProperties: o["req"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            additionalProperties: o["ap"]?.boolValue ?? true,
            anyOf: o["any"]?.arrayValue?.map { schema($0) } ?? [])
    }

    /// Shared instance for the many "no constraints" schemas.
    private static let anything = Schema()
}
