import Foundation

/// The one seam between the Desk client and the network. Real HTTP, the
/// in-process simulator and replayed cassettes all implement it, so every
/// layer above is tested without sockets.
public struct WireRequest: Sendable, Hashable {
    public var method: String
    /// Absolute URL including the query string, e.g. "https://desk.zoho.com/api/v1/labels?limit=50".
    public var url: String
    /// Header names as sent; lookups are case-insensitive (see `header(_:)`).
    public var headers: [Header]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [Header] = [], body: [UInt8]? = nil) {
        self.method = method; self.url = url; self.headers = headers; self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

public struct WireResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [Header]
    public var body: [UInt8]

    public init(status: Int, headers: [Header] = [], body: [UInt8] = []) {
        self.status = status; self.headers = headers; self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

public struct Header: Sendable, Hashable {
    public var name: String
    public var value: String
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

public protocol Transport: Sendable {
    func send(_ request: WireRequest) async throws -> WireResponse
}
