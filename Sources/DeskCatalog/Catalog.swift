import Foundation
import JSONValue
import Synchronization

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

/// Start-up cost matters for a shell: `Catalog.shared` is only a reference to the
/// embedded JSON text. The text is parsed, decoded and indexed on the first call
/// to any accessor, once, under a lock.
public final class Catalog: Sendable {
    /// The catalog generated from Zoho's OpenAPI files (Generated/CatalogData.swift).
    public static let shared = Catalog(json: catalogJSON, scopes: catalogScopes)

    /// The generated JSON text itself (for a fresh, unshared Catalog, e.g. to time a load).
    public static var embeddedJSON: String { catalogJSON }

    private let source: String
    private let knownScopes: [String]?
    private let state = Mutex(LoadState())

    private struct LoadState {
        var storage: Storage?
        var seconds: Double?
    }

    /// A catalog over other JSON in the generated format (tests, experiments).
    public init(json: String) { self.source = json; self.knownScopes = nil }

    init(json: String, scopes: [String]) { self.source = json; self.knownScopes = scopes }

    /// Every scope some operation asks for, sorted. For the shared catalog
    /// this is generated alongside the JSON and costs no load.
    public var scopes: [String] {
        knownScopes ?? Array(Set(operations.flatMap(\.scopes))).sorted()
    }

    /// Whether the JSON has been parsed yet (nothing is parsed until first use).
    public var isLoaded: Bool { state.withLock { $0.storage != nil } }

    /// Wall-clock seconds the first load took (parse + decode + index), once loaded.
    public var loadDuration: Double? { state.withLock { $0.seconds } }

    /// Every operation, sorted by id.
    public var operations: [Operation] { loaded.operations }

    public func operation(id: String) -> Operation? { loaded.byId[id] }

    /// The operation a concrete request goes to, with its path parameters
    /// (percent-decoded). Query strings and a trailing slash are ignored.
    ///
    /// Templates are tried most specific first: at each segment a literal beats a
    /// `{param}` (so `/tickets/search` is `searchTickets`, not `getTicket`). The first
    /// template in that order that has an operation for `method` wins.
    public func match(method: String, path: String) -> PathMatch? {
        let wanted = method.uppercased()
        for candidate in loaded.trie.candidates(for: path) {
            if let op = candidate.operations.first(where: { $0.method == wanted }) {
                return PathMatch(operation: op, pathParameters: candidate.parameters(for: op))
            }
        }
        return nil
    }

    /// Every operation whose template matches `path`, whatever its method, most
    /// specific template first. Empty means 404; non-empty with no `match` means 405.
    public func operations(forPath path: String) -> [Operation] {
        loaded.trie.candidates(for: path).flatMap(\.operations)
    }

    /// How many operations fall in each safety class.
    public var safetyCounts: [Safety: Int] { loaded.safetyCounts }

    // MARK: - Loading

    private struct Storage {
        let operations: [Operation]
        let byId: [String: Operation]
        let trie: PathTrie
        let safetyCounts: [Safety: Int]
    }

    private var loaded: Storage {
        state.withLock { state in
            if let storage = state.storage { return storage }
            let start = DispatchTime.now().uptimeNanoseconds
            let built = Catalog.build(from: source)
            state.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            state.storage = built
            return built
        }
    }

    private static func build(from text: String) -> Storage {
        // The embedded data is generated and checked by tests; failing loudly here is
        // better than a shell that silently knows no operations.
        let operations: [Operation]
        do {
            operations = try CatalogDecoder.decode(json: try JSON.parse(text))
        } catch {
            fatalError("DeskCatalog: embedded catalog data is invalid: \(error)")
        }
        var byId: [String: Operation] = [:]
        var counts: [Safety: Int] = [:]
        for op in operations {
            byId[op.id] = op
            counts[op.safety, default: 0] += 1
        }
        return Storage(operations: operations, byId: byId,
                       trie: PathTrie(operations), safetyCounts: counts)
    }
}
