import DeskCatalog
import Foundation
import JSONValue

/// The answer for a catalog operation the simulator does not model, after the
/// request passed validation: 404 for a path naming a record the org lacks,
/// else a value built from the operation's documented success schema (every
/// required field, with the spec's types, formats and enum values), echoing
/// the request's fields where the schema has them. Empty lists answer 204
/// where the spec documents it.
enum Synthesizer {
    struct Input {
        let op: DeskCatalog.Operation
        let pathParameters: [String: String]
        let body: JSON?
        let timestamp: String
        let newId: () -> String
        /// Whether an id listed in a mass action fails there (`MassActionTargets`).
        var massActionFails: (_ id: String) -> Bool = { _ in false }
    }

    static func reply(_ input: Input, schemas: ResponseSchemas = .shared) -> Reply {
        let op = input.op
        let answers = schemas.answers(op.id)
        let successes = answers.keys.filter { (200..<300).contains($0) }.sorted()
        // A list's empty page is a 204 where documented; anything else takes the first JSON answer.
        let listLike: Bool
        switch op.envelope {
        case .list, .bareArray: listLike = true
        default: listLike = false
        }
        if listLike, successes.contains(204) { return .noContent }
        guard let status = successes.first(where: { if case .json = answers[$0]! { return true } else { return false } })
                ?? successes.first else {
            return op.successCodes.contains(204) || op.successCodes.isEmpty ? .noContent : .json([:], status: op.successCodes[0])
        }
        switch answers[status]! {
        case .empty:
            return status == 204 ? .noContent : .bytes([], contentType: "application/json;charset=UTF-8", status: status)
        case .binary:
            return .bytes([], contentType: "application/octet-stream", status: status)
        case .json(let schema):
            return .json(value(schema, input), status: status)
        }
    }

    private static func value(_ schema: Schema, _ input: Input) -> JSON {
        let op = input.op
        var known: [String: JSON] = [:]
        if let pathId = lastPathId(op, input.pathParameters) { known["id"] = .string(pathId) }
        let instance = SchemaInstance(newId: input.newId, timestamp: input.timestamp, known: known)
        if op.envelope == .results {
            return results(schema, ids: input.body.map(firstIdList) ?? [], instance, failed: input.massActionFails)
        }
        var v = instance.value(schema)
        guard case .object(var o) = v, let props = schema.properties else { return v }
        // A record the answer documents an id for has one, required or not: the path's for
        // reads and updates, a new one for creates.
        if o["id"] == nil, let idSchema = props["id"] {
            let id = JSON.string(known["id"]?.stringValue ?? input.newId())
            if SchemaFit.fits(id, idSchema) { o["id"] = id }
        }
        // Creates and updates answer with what they were given, where the answer documents it.
        if case .object(let given)? = input.body {
            for (k, given) in given where k != "id" {
                if let sub = props[k], SchemaFit.fits(given, sub) { o[k] = given }
            }
        }
        v = .object(o)
        return v
    }

    /// A mass action's `results`: one success per id the request listed.
    private static func results(_ schema: Schema, ids: [String], _ instance: SchemaInstance,
                                failed: (String) -> Bool) -> JSON {
        var v = instance.value(schema)
        guard case .object(var o) = v, let itemSchema = schema.properties?["results"]?.items else { return v }
        o["results"] = .array(ids.map { id in
            if failed(id) {
                // Fitted to the documented item: some list only errorCode/httpCode/message.
                return ResponseShaper(instance: instance).shape(resultEntry(id, error: MassActionTargets.unknownId(documentedBy: itemSchema)), itemSchema)
            }
            var item = instance.value(itemSchema, depth: 1)
            if case .object(var fields) = item {
                fields["id"] = .string(id)
                if let s = itemSchema.properties?["success"], SchemaFit.fits(true, s) { fields["success"] = true }
                if fields.keys.contains("errors") || itemSchema.properties?["errors"] != nil {
                    if let s = itemSchema.properties?["errors"], SchemaFit.fits(.null, s) { fields["errors"] = .null }
                }
                item = .object(fields)
            }
            return item
        })
        v = .object(o)
        return v
    }

    private static func lastPathId(_ op: DeskCatalog.Operation, _ params: [String: String]) -> String? {
        guard let seg = op.path.split(separator: "/").last, seg.hasPrefix("{") else { return nil }
        return params[String(seg.dropFirst().dropLast())]
    }

    /// The first array of ids in a body (`ids`, `ticketIds`, `userIds`, …).
    private static func firstIdList(_ body: JSON) -> [String] {
        guard case .object(let o) = body else { return [] }
        for key in o.keys.sorted() {
            if case .array(let a) = o[key]!, !a.isEmpty {
                let ids = a.compactMap(idString)
                if !ids.isEmpty { return ids }
            }
        }
        return []
    }
}
