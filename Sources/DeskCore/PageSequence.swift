import DeskCatalog
import JSONValue

/// `from`/`limit` pagination as an `AsyncSequence` of pages, walked by a
/// `PageCursor` (the rules every pager shares).
///
/// Each `next()` fetches one page, so memory holds at most one page however
/// long the list.
public struct PageSequence: AsyncSequence, Sendable {
    public typealias Element = [JSON]

    let client: DeskClient
    let operation: Operation
    let path: [String: String]
    let query: [String: String]
    let start: PageCursor

    /// Page size when the spec documents no maximum.
    public static let fallbackPageSize = PageCursor.fallbackPageSize

    init(client: DeskClient, operation: Operation, path: [String: String], query: [String: String], pageSize: Int?) {
        self.client = client
        self.operation = operation
        self.path = path
        var query = query
        // An explicit `limit` or `from` in the query is a request for a smaller page or a later start.
        self.start = PageCursor(operation: operation, pageSize: pageSize ?? query["limit"].flatMap(Int.init),
                                from: query["from"].flatMap(Int.init))
        query["from"] = nil
        query["limit"] = nil
        self.query = query
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let sequence: PageSequence
        var cursor: PageCursor

        public mutating func next() async throws -> [JSON]? {
            guard !cursor.isFinished else { return nil }
            try Task.checkCancellation()
            let query = sequence.query.merging(cursor.query) { _, paging in paging }
            let result = try await sequence.client.call(sequence.operation, path: sequence.path, query: query)
            guard let items = result.items(envelope: sequence.operation.envelope) else {
                throw DeskError(kind: .malformedResponse, message: "expected a list answer while paging",
                                operationId: sequence.operation.id)
            }
            try cursor.accept(count: items.count, first: items.first)
            return items.isEmpty ? nil : items
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(sequence: self, cursor: start) }

    /// Calls `body` with each page; return false to stop early.
    public func forEach(_ body: ([JSON]) async throws -> Bool) async throws {
        for try await page in self where try await !body(page) { return }
    }
}
