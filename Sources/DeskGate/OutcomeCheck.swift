import DeskCatalog
import DeskCore

/// Re-checking a call whose outcome is unknown (the run stopped while it
/// was in flight) by reading the state, where the catalog makes that
/// possible: a deletion sent as `POST …/{id}/delete` (or a DELETE) has a GET
/// of the same record; not found means the deletion went through.
package enum OutcomeCheck {
    /// The read that tells whether `op` on these path values was applied.
    static func verifier(for op: DeskCatalog.Operation) -> DeskCatalog.Operation? {
        let segments = op.path.split(separator: "/")
        guard let last = segments.last else { return nil }
        let recordPath: String
        if op.method == "DELETE" {
            recordPath = op.path
        } else if op.method == "POST", !last.hasPrefix("{"), last.lowercased().contains("delete"),
                  segments.count >= 2, segments[segments.count - 2].hasPrefix("{") {
            recordPath = "/" + segments.dropLast().joined(separator: "/")
        } else {
            return nil
        }
        return Catalog.shared.operations.first { $0.method == "GET" && $0.path == recordPath }
    }

    enum Verdict { case applied, notApplied, unknown }

    /// Reads the record: gone means applied, present means not applied.
    static func check(_ call: PreparedCall, with read: DeskCatalog.Operation, client: DeskClient) async -> Verdict {
        let names = Set(read.parameters.filter { $0.location == .path }.map(\.name))
        let path = call.path.filter { names.contains($0.key) }
        guard path.count == names.count else { return .unknown }
        do {
            _ = try await client.call(read, path: path, query: [:], body: nil)
            return .notApplied
        } catch let e as DeskError where e.status == 404 {
            return .applied
        } catch {
            return .unknown
        }
    }
}
