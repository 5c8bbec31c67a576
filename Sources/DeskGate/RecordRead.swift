import DeskCatalog
import JSONValue

/// The GET that reads a record a write changes, found by the catalog's own
/// path matching: the record an update of one record names in its path, or
/// each id a mass action lists in `ids`. The dry run reads these for the
/// plan's before values; apply reads them again to see drift (DriftRead).
package enum RecordRead {
    /// The GET of the record a PATCH or PUT of one record updates (a path
    /// ending in the record's id), nil when the catalog has none.
    static func ofUpdate(_ p: PreparedCall) -> PreparedCall? {
        guard !p.uncatalogued, p.uploads.isEmpty, ["PATCH", "PUT"].contains(p.operation.method),
              let last = p.operation.path.split(separator: "/").last, last.hasPrefix("{"),
              case .object(let body)? = p.body, !body.isEmpty else { return nil }
        return get(concretePath(p.operation.path, p.path), sameShapeAs: p.operation.path, fields: Array(body.keys))
    }

    /// The GET of one id a mass action lists: the action's path with its last
    /// segment (`updateMany`, `markSpam`) replaced by the id. Nil where the
    /// spec has no such GET (`/api/v1/closeTickets`).
    static func ofMassAction(_ p: PreparedCall, id: String, fields: [String]) -> PreparedCall? {
        guard !p.uncatalogued, p.operation.method == "POST",
              let last = p.operation.path.split(separator: "/").last, !last.hasPrefix("{") else { return nil }
        let template = p.operation.path.split(separator: "/").dropLast().joined(separator: "/") + "/{id}"
        let concrete = concretePath(p.operation.path, p.path).split(separator: "/").dropLast().joined(separator: "/") + "/" + id
        return get("/" + concrete, sameShapeAs: "/" + template, fields: fields)
    }

    /// The ids a mass action lists in its `ids` field (nil: not a mass action
    /// whose records can be read one by one).
    static func massIds(_ body: JSON?) -> [String]? {
        guard case .object(let o)? = body, case .array(let ids)? = o["ids"] else { return nil }
        let texts = ids.compactMap(PlanRoles.idText)
        return texts.count == ids.count && !texts.isEmpty ? texts : nil
    }

    /// What a mass action sets on each record it lists: an updateMany's
    /// `fieldName` = `fieldValue` (inside `cf` for a custom field), or its
    /// other body fields (`isSpam`). Nil when it is not a mass action.
    static func massFields(_ body: JSON?) -> [String: JSON]? {
        guard massIds(body) != nil, case .object(let o)? = body else { return nil }
        if let name = o["fieldName"]?.stringValue, let value = o["fieldValue"] {
            return o["isCustomField"] == .bool(true) ? ["cf": .object([name: value])] : [name: value]
        }
        return o.filter { !PlanRoles.isIdList($0.key, $0.value) }
    }

    /// A read of `path` when the catalog has a GET of the same shape (the
    /// GET may name its id differently, `{teamId}` vs `{team_id}`, but it
    /// must be the same route, not a literal one an odd id happens to match).
    private static func get(_ path: String, sameShapeAs template: String, fields: [String]) -> PreparedCall? {
        guard let match = Catalog.shared.match(method: "GET", path: path),
              CurrentValuesRead.shape(of: match.operation.path) == CurrentValuesRead.shape(of: template) else { return nil }
        let get = match.operation
        guard get.safety == .read, !get.parameters.contains(where: { $0.location != .path && $0.required }) else { return nil }
        return PreparedCall(operation: get, calledAs: OperationNames.preferred(get.id), path: match.pathParameters,
                            query: CurrentValuesRead.includes(get, for: fields), body: nil, ids: [])
    }
}
