import DeskCatalog
import JSONValue

/// The answer for a catalog operation the simulator does not model: shaped by
/// the operation's documented envelope, after the request passed validation.
enum Synthesizer {
    static func reply(_ op: DeskCatalog.Operation, pathParameters: [String: String], body: JSON?, newId: () -> String) -> Reply {
        let status = op.successCodes.first { $0 != 204 } ?? 204
        switch op.envelope {
        case .empty:
            return op.successCodes.contains(204) || status == 204 ? .noContent
                : .bytes([], contentType: "application/json;charset=UTF-8", status: status)
        case .list(let key):
            if op.successCodes.contains(204) { return .noContent }
            return .json([key: []], status: status)
        case .bareArray:
            return .json([], status: status)
        case .object:
            // Echo the request's fields on an object with an id, the way creates
            // and updates answer; reads get the id from the path.
            var o = body?.objectValue ?? [:]
            let pathId = op.path.split(separator: "/").last.flatMap { seg -> String? in
                guard seg.hasPrefix("{") else { return nil }
                return pathParameters[String(seg.dropFirst().dropLast())]
            }
            o["id"] = .string(op.method == "POST" && op.safety != .read && !op.path.hasSuffix("}") ? newId() : (pathId ?? newId()))
            return .json(.object(o), status: status)
        case .results:
            let ids = body.map(firstIdList) ?? []
            return .json(["results": .array(ids.map { resultEntry($0) })], status: status)
        case .binary:
            return .bytes([], contentType: "application/octet-stream", status: status)
        }
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
