import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Real HTTP through AsyncHTTPClient: pooled keep-alive connections,
/// connect/read timeouts, no redirects (a redirect from Zoho means a wrong
/// host, and following it would carry the token elsewhere).
public final class HTTPTransport: Transport {
    public struct Settings: Sendable {
        public var connectTimeout: TimeAmount = .seconds(10)
        public var readTimeout: TimeAmount = .seconds(60)
        /// Whole-request deadline.
        public var requestTimeout: TimeAmount = .seconds(120)
        public var maxConnectionsPerHost = 16
        /// Bodies larger than this are refused rather than buffered.
        public var maxBodyBytes = 256 * 1024 * 1024
        public init() {}
    }

    private let client: HTTPClient
    private let settings: Settings

    public init(settings: Settings = Settings()) {
        self.settings = settings
        var config = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: settings.connectTimeout, read: settings.readTimeout))
        config.connectionPool = .init(idleTimeout: .seconds(60),
                                      concurrentHTTP1ConnectionsPerHostSoftLimit: settings.maxConnectionsPerHost)
        config.decompression = .enabled(limit: .ratio(20))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    /// Closes pooled connections; call once when the shell exits.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    public func send(_ request: WireRequest) async throws -> WireResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body { outgoing.body = .bytes(body) }
        do {
            let response = try await client.execute(outgoing, timeout: settings.requestTimeout)
            var buffer = try await response.body.collect(upTo: settings.maxBodyBytes)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            return WireResponse(status: Int(response.status.code),
                                headers: response.headers.map { Header($0.name, $0.value) }, body: bytes)
        } catch let error as HTTPClientError {
            throw HTTPTransport.map(error)
        } catch let error as CancellationError {
            throw error
        } catch {
            if "\(type(of: error))".contains("Connect") { throw TransportError.cannotConnect(String(describing: error)) }
            throw error
        }
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
