import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Real HTTP through AsyncHTTPClient: pooled keep-alive connections,
/// connect/read timeouts, no redirects (a redirect from Zoho means a wrong
/// host, and following it would carry the token elsewhere).
public final class HTTPTransport: Transport {
    /// Timeouts and limits of the HTTP client.
    public struct Settings: Sendable {
        /// How long opening a connection may take.
        public var connectTimeout: TimeAmount = .seconds(10)
        /// How long the server may stay silent mid-answer.
        public var readTimeout: TimeAmount = .seconds(60)
        /// Whole-request deadline.
        public var requestTimeout: TimeAmount = .seconds(120)
        /// Keep-alive connections kept open per host.
        public var maxConnectionsPerHost = 16
        /// Bodies larger than this are refused rather than buffered.
        public var maxBodyBytes = 256 * 1024 * 1024
        public init() {}
    }

    private let client: HTTPClient
    private let settings: Settings

    /// A transport with its own HTTP client (shut down when released).
    public init(settings: Settings = Settings()) {
        self.settings = settings
        var config = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: settings.connectTimeout, read: settings.readTimeout))
        config.connectionPool = .init(idleTimeout: .seconds(60),
                                      concurrentHTTP1ConnectionsPerHostSoftLimit: settings.maxConnectionsPerHost)
        config.decompression = .enabled(limit: .ratio(20))
        // No distributed tracing: without this the client fills attributes
        // of a no-op span on every request (~2 % of a bulk run's CPU).
        config.tracing.tracer = nil
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    /// One pooled client for the whole process. It lives until exit, so it
    /// never needs `shutdown()` (an HTTPClient dropped without shutdown
    /// traps in debug builds). Use this unless you need other settings.
    public static let shared = HTTPTransport()

    /// Closes pooled connections. Required before a non-shared transport is
    /// released; prefer `shared` or `withTransport`.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// Runs `body` with a private transport and always shuts it down.
    public static func withTransport<T>(settings: Settings = Settings(),
                                        _ body: (HTTPTransport) async throws -> T) async throws -> T {
        let transport = HTTPTransport(settings: settings)
        do {
            let value = try await body(transport)
            try? await transport.shutdown()
            return value
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    /// Sends `request` and collects the whole answer; no response at all throws `TransportError`.
    public func send(_ request: WireRequest) async throws -> WireResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body { outgoing.body = .bytes(body) }
        do {
            let response = try await client.execute(outgoing, timeout: settings.requestTimeout)
            let bytes = try await receive(response)
            var answer = WireResponse(status: Int(response.status.code),
                                      headers: response.headers.map { Header($0.name, $0.value) }, body: bytes)
            answer.charged = ResponseBudget.current != nil
            return answer
        } catch let error as ResponseTooLarge {
            throw error
        } catch let error as HTTPClientError {
            throw HTTPTransport.map(error)
        } catch let error as CancellationError {
            throw error
        } catch let error as TransportError {
            throw error
        } catch {
            // NIO's IOError / NIOConnectionError: no usable HTTP answer arrived.
            throw TransportError.cannotConnect(String(describing: error))
        }
    }

    /// The body, chunk by chunk, each charged to the run's memory before it
    /// is kept. A body announced or grown past what the run may still hold
    /// (or past `maxBodyBytes`) stops there: the rest is never read.
    private func receive(_ response: HTTPClientResponse) async throws -> [UInt8] {
        let memory = ResponseBudget.current
        let ceiling = min(settings.maxBodyBytes, memory?.room ?? Int.max)
        func refused(_ bytes: Int) -> ResponseTooLarge {
            ResponseTooLarge(status: Int(response.status.code), bytes: bytes, allowed: ceiling, memoryLimit: memory?.limit)
        }
        let declared = response.headers.first(name: "content-length").flatMap { Int($0) }
        if let declared, declared > ceiling { throw refused(declared) }
        // Chunks are kept as they came and joined once at the end: growing
        // one array as they arrive would copy it at every doubling and hold
        // up to twice the body meanwhile.
        var chunks: [ByteBuffer] = []
        var total = 0
        for try await chunk in response.body {
            let n = chunk.readableBytes
            guard total + n <= settings.maxBodyBytes, memory?.take(n) ?? true else { throw refused(total + n) }
            chunks.append(chunk)
            total += n
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        for chunk in chunks { bytes.append(contentsOf: chunk.readableBytesView) }
        return bytes
    }

    static func map(_ error: HTTPClientError) -> Error {
        switch error {
        case .readTimeout, .writeTimeout, .deadlineExceeded, .connectTimeout, .getConnectionFromPoolTimeout,
             .tlsHandshakeTimeout:
            return TransportError.timedOut
        case .remoteConnectionClosed:
            return TransportError.connectionReset
        default:
            return TransportError.cannotConnect(String(describing: error))
        }
    }
}
