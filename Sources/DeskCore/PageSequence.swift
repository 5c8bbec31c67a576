import DeskCatalog
import JSONValue

/// `from`/`limit` pagination as an `AsyncSequence` of pages.
///
/// Each `next()` fetches one page, so memory holds at most one page however
/// long the list. Iteration ends on 204 No Content, an empty page, or a page
/// shorter than the page size. The page size is the operation's documented
/// maximum (`Operation.maxPageSize`) unless a smaller one is asked for.
public struct PageSequence: AsyncSequence, Sendable {
    public typealias Element = [JSON]

    let client: DeskClient
    let operation: Operation
    let path: [String: String]
    let query: [String: String]
    let pageSize: Int
    let start: Int

    /// Page size when the spec documents no maximum (tickets, threads): 50 is
    /// accepted by every list observed.
    public static let fallbackPageSize = 50

    init(client: DeskClient, operation: Operation, path: [String: String], query: [String: String], pageSize: Int?) {
        self.client = client
        self.operation = operation
        self.path = path
        var query = query
        let maximum = operation.maxPageSize ?? PageSequence.fallbackPageSize
        let requested = pageSize ?? query["limit"].flatMap(Int.init) ?? maximum
        self.pageSize = Swift.max(1, Swift.min(requested, maximum))
        // Search endpoints count from 0, the other lists from 1; an explicit `from` wins.
        self.start = query["from"].flatMap(Int.init) ?? (operation.path.hasSuffix("/search") ? 0 : 1)
        query["from"] = nil
        query["limit"] = nil
        self.query = query
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let sequence: PageSequence
        var from: Int
        var finished = false
        /// First record of the previous page: a server that ignores `from`
        /// would otherwise serve the same full page forever.
        var previousFirst: JSON?

        public mutating func next() async throws -> [JSON]? {
            guard !finished else { return nil }
            try Task.checkCancellation()
            var query = sequence.query
            query["from"] = String(from)
            query["limit"] = String(sequence.pageSize)
            let result = try await sequence.client.call(sequence.operation, path: sequence.path, query: query)
            guard let items = result.items(envelope: sequence.operation.envelope) else {
                finished = true
                throw DeskError(kind: .malformedResponse, message: "expected a list answer while paging",
                                operationId: sequence.operation.id)
            }
            if items.count < sequence.pageSize { finished = true }
            if items.isEmpty { return nil }
            if let first = items.first, first == previousFirst {
                finished = true
                throw DeskError(kind: .malformedResponse, message: "the server returned the same page twice (from=\(from)); stopped paging",
                                operationId: sequence.operation.id)
            }
            previousFirst = items.first
            from += items.count
            return items
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(sequence: self, from: start) }

    /// Calls `body` with each page; return false to stop early.
    public func forEach(_ body: ([JSON]) async throws -> Bool) async throws {
        for try await page in self where try await !body(page) { return }
    }
}
