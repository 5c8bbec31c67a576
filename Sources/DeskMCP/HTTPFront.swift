import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import MCP
import NIOCore
import NIOSSL
import ShellCore

/// `zdsh mcp --http ADDR`: the same tools, limits and confirmation over
/// MCP's streamable HTTP transport, at `/mcp`, for a team. Every request
/// needs a bearer token (`zdsh mcp token create`); without a valid one the
/// answer is 401 and nothing runs. Served over HTTPS (`--tls-cert`/`--tls-key`)
/// or on a loopback address only, so tokens never cross a network in clear.
package struct HTTPFront: Sendable {
    package struct Address: Sendable {
        package var host: String
        package var port: Int
        package var certificate: String?
        package var key: String?

        package init(_ text: String, certificate: String?, key: String?) throws {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
                throw UsageError("--http \(text): expected HOST:PORT, e.g. 127.0.0.1:8808")
            }
            host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            self.port = port; self.certificate = certificate; self.key = key
            if (certificate == nil) != (key == nil) { throw UsageError("--tls-cert and --tls-key go together") }
            if certificate == nil && !isLoopback {
                throw UsageError("--http \(text): without --tls-cert/--tls-key the server only listens on a loopback address (127.0.0.1, ::1, localhost), so bearer tokens never travel in clear")
            }
        }

        package var isLoopback: Bool { ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.") }
        package var tls: Bool { certificate != nil }
    }

    let prepared: PreparedServer
    let address: Address
    let tokens: AccessTokens

    package init(prepared: PreparedServer, address: Address, tokens: AccessTokens = AccessTokens()) {
        self.prepared = prepared; self.address = address; self.tokens = tokens
    }

    /// Serves until SIGINT/SIGTERM; `onStart` gets the bound port.
    package func serve(onStart: @escaping @Sendable (Int) async -> Void) async throws {
        let sessions = HTTPSessions(target: prepared.target, loopback: address.isLoopback)
        let responder = MCPResponder(sessions: sessions, tokens: tokens)
        var logger = Logger(label: "zdsh.mcp.http")
        logger.logLevel = .warning
        let app = Application(responder: responder, server: try serverBuilder(),
                              configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
                              onServerRunning: { channel in await onStart(channel.localAddress?.port ?? 0) }, logger: logger)
        try await app.runService()
        await sessions.closeAll()
    }

    private func serverBuilder() throws -> HTTPServerBuilder {
        guard let cert = address.certificate, let key = address.key else { return .http1() }
        let chain = try NIOSSLCertificate.fromPEMFile(cert).map { NIOSSLCertificateSource.certificate($0) }
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain,
                                                                     privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        return try .tls(.http1(), tlsConfiguration: configuration)
    }
}

/// Checks the token, then hands the request to its session's transport
/// (or opens a session for an initialize without a session id).
struct MCPResponder: HTTPResponder {
    let sessions: HTTPSessions
    let tokens: AccessTokens

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        guard request.uri.path == "/mcp" else { return plain(.notFound, "zdsh mcp serves MCP at /mcp\n") }
        let auth = request.headers[.authorization] ?? ""
        guard auth.hasPrefix("Bearer "), let token = tokens.verify(String(auth.dropFirst(7))) else {
            var r = plain(.unauthorized, "a valid bearer token is needed (zdsh mcp token create)\n")
            r.headers[.wwwAuthenticate] = "Bearer realm=\"zdsh\""
            return r
        }
        let buffer = try await request.body.collect(upTo: LineTransport.maxMessageBytes + 1)
        guard buffer.readableBytes <= LineTransport.maxMessageBytes else {
            return plain(.contentTooLarge, "a message may be at most \(LineTransport.maxMessageBytes) bytes\n")
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let body = buffer.readableBytes > 0 ? Data(buffer.readableBytesView) : nil
        let mcp = MCP.HTTPRequest(method: request.method.rawValue, headers: headers, body: body, path: request.uri.path)
        if let id = request.headers[HTTPField.Name(HTTPHeaderName.sessionID)!] {
            guard let entry = sessions.entry(id), entry.tokenId == token.id else {
                return plain(.notFound, "no MCP session \(id) for this token; start a new one with initialize\n")
            }
            let answer = await entry.transport.handleRequest(mcp)
            if request.method == .delete { await sessions.close(id) }
            return convert(answer)
        }
        let entry = try await sessions.open(for: token)
        let answer = await entry.transport.handleRequest(mcp)
        if let id = answer.headers.first(where: { $0.key.lowercased() == HTTPHeaderName.sessionID.lowercased() })?.value {
            sessions.keep(id, entry)
        } else {
            await entry.server.stop()
        }
        return convert(answer)
    }

    private func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private func convert(_ answer: MCP.HTTPResponse) -> Response {
        var fields = HTTPFields()
        for (k, v) in answer.headers { if let name = HTTPField.Name(k) { fields.append(HTTPField(name: name, value: v)) } }
        let status = HTTPResponse.Status(code: answer.statusCode)
        if case .stream(let stream, _) = answer {
            let body = ResponseBody(asyncSequence: stream.map { ByteBuffer(bytes: $0) })
            return Response(status: status, headers: fields, body: body)
        }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: answer.bodyData ?? Data())))
    }
}
