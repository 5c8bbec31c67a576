import DeskCatalog
import JSONValue

/// The one rule for walking a `from`/`limit` list, shared by every path that
/// pages (`DeskClient.pages`, Lua's `each…`/`all…`): `from` starts at 1,
/// `limit` is the operation's documented maximum (or a smaller size asked
/// for), the list ends on 204, an empty page or a short page, and a page
/// that repeats the previous one is an error naming the operation (a server
/// that ignores `from` would otherwise serve the same full page forever).
///
/// A plain value: it holds where the walk is, never the records.
public struct PageCursor: Sendable, Hashable {
    /// Page size when the spec documents no maximum (tickets, threads): 50 is
    /// accepted by every list observed.
    public static let fallbackPageSize = 50

    public let operationId: String
    public let pageSize: Int
    /// The `from` of the next page to ask for.
    public private(set) var from: Int
    public private(set) var isFinished = false
    /// Fingerprint of the previous page's first record.
    public private(set) var previousFirst: Int?

    /// `pageSize` and `from` are what the caller asked for; nil takes the
    /// operation's maximum and 1. A size above the maximum is lowered to it.
    public init(operation: DeskCatalog.Operation, pageSize: Int? = nil, from: Int? = nil) {
        let maximum = operation.maxPageSize ?? Self.fallbackPageSize
        self.operationId = operation.id
        self.pageSize = Swift.max(1, Swift.min(pageSize ?? maximum, maximum))
        self.from = Swift.max(1, from ?? 1)
    }

    /// A cursor carried between calls as plain values (Lua's pager keeps
    /// these between pages and hands them back).
    public init(resuming operationId: String, pageSize: Int, from: Int, previousFirst: Int?) {
        self.operationId = operationId
        self.pageSize = Swift.max(1, pageSize)
        self.from = Swift.max(1, from)
        self.previousFirst = previousFirst
    }

    /// The paging parameters of the next request.
    public var query: [String: String] { ["from": String(from), "limit": String(pageSize)] }

    /// Moves past the page just fetched (`count` records, 0 for 204, and its
    /// first record); throws when the page repeats the previous one.
    public mutating func accept(count: Int, first: JSON?) throws {
        if count < pageSize { isFinished = true }
        guard count > 0 else { return }
        let fingerprint = first.map(Self.fingerprint)
        if let fingerprint, fingerprint == previousFirst {
            isFinished = true
            throw DeskError(kind: .malformedResponse,
                            message: "the server returned the same page twice (from=\(from), limit=\(pageSize)); stopped paging",
                            operationId: operationId,
                            hint: "The server seems to ignore `from`; nothing after the first page can be read this way.")
        }
        previousFirst = fingerprint
        from += count
    }

    /// A record's identity: its `id` when it has one, else the whole record.
    private static func fingerprint(_ record: JSON) -> Int {
        if let id = record["id"], id != .null { return id.hashValue }
        return record.hashValue
    }
}
