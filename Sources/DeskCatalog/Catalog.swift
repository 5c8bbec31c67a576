/// The operation catalog: every Zoho Desk v1 operation, loaded lazily from the
/// generated data the first time something asks for it.
///
/// CONTRACT (other modules code against this API):
///   Catalog.shared.operations            all operations, sorted by id
///   Catalog.shared.operation(id:)         by operationId
///   Catalog.shared.match(method:path:)    resolve a concrete path ("/api/v1/labels/123/users/remove")
///                                         to (operation, path parameters)
///   Catalog.shared.operations(forPath:)   all operations whose template matches a concrete path
///                                         (any method) — for 405 vs 404 decisions
public struct PathMatch: Sendable {
    public let operation: Operation
    public let pathParameters: [String: String]
}
