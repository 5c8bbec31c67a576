import Foundation

/// The one seam between the Desk client and the network. Real HTTP, the
/// in-process simulator and replayed cassettes all implement it, so every
/// layer above is tested without sockets.
public struct WireRequest: Sendable, Hashable {
    /// The HTTP method, upper case.
    public var method: String
    /// Absolute URL including the query string, e.g. "https://desk.zoho.com/api/v1/labels?limit=50".
    public var url: String
    /// Header names as sent; lookups are case-insensitive (see `header(_:)`).
    public var headers: [Header]
    /// The body bytes; nil for none.
    public var body: [UInt8]?

    /// A request as it goes on the wire.
    public init(method: String, url: String, headers: [Header] = [], body: [UInt8]? = nil) {
        self.method = method; self.url = url; self.headers = headers; self.body = body
    }

    /// The first header called `name`, in any case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// An HTTP answer as it came off the wire.
public struct WireResponse: Sendable, Hashable {
    /// The HTTP status code.
    public var status: Int
    /// The headers as received.
    public var headers: [Header]
    /// The body bytes (empty for none).
    public var body: [UInt8]
    /// Whether the transport charged the body to the run's memory as it
    /// arrived (`ResponseBudget`); otherwise the client charges it whole.
    public var charged = false

    /// An answer with `status`, `headers` and `body`.
    public init(status: Int, headers: [Header] = [], body: [UInt8] = []) {
        self.status = status; self.headers = headers; self.body = body
    }

    /// The first header called `name`, in any case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// One HTTP header field.
public struct Header: Sendable, Hashable {
    /// The field name, as sent.
    public var name: String
    /// The field value.
    public var value: String
    /// A header `name: value`.
    public init(_ name: String, _ value: String) { self.name = name; self.value = value }
}

/// Errors a transport raises when no HTTP response arrived at all.
public enum TransportError: Error, Sendable, Hashable {
    case connectionReset
    case timedOut
    case cannotConnect(String)
    /// A replayed cassette has no recording for this request.
    case notRecorded(String)
}

/// Sends one request and returns its answer; throws `TransportError` when none came.
public protocol Transport: Sendable {
    func send(_ request: WireRequest) async throws -> WireResponse
}
