import Foundation
import Logging
import MCP
import Synchronization

/// MCP over stdio, one JSON-RPC message per line, read in linear time with
/// a size limit: each read's new bytes are scanned once for the newline
/// (the SDK's transport rescans its whole buffer after every 4 KB read, so
/// a 2 MB message took 15 s and a 30 MB one never arrived). A line over
/// `maxMessageBytes` is discarded as it streams in and answered with a
/// JSON-RPC error. Lines that are not JSON-RPC requests get the error the
/// specification names, with the request's id (or null) — see LineScreen.
actor LineTransport: Transport {
    static let maxMessageBytes = 4 << 20

    nonisolated let logger = Logger(label: "zdsh.mcp.stdio", factory: { _ in SwiftLogNoOpLogHandler() })
    private let input: Int32
    private let output: Int32
    private let stream: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    /// Called once when the client closes its end (end of input).
    private let onClose: @Sendable () -> Void

    init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, onClose: @escaping @Sendable () -> Void) {
        self.input = input; self.output = output; self.onClose = onClose
        (stream, continuation) = AsyncThrowingStream.makeStream()
    }

    func connect() async throws {
        let reader = LineReader(fd: input, limit: Self.maxMessageBytes)
        let continuation = self.continuation, onClose = self.onClose
        let thread = Thread { [self] in
            reader.run { line in
                switch line {
                case .message(let bytes):
                    switch LineScreen.screen(bytes) {
                    case .forward: continuation.yield(Data(bytes))
                    case .reply(let error): Task { try? await self.send(error) }
                    }
                case .tooLong(let size):
                    Task { try? await self.send(LineScreen.error(id: nil, code: -32600,
                        message: "message of \(size)+ bytes is larger than this server's limit of \(LineTransport.maxMessageBytes) bytes; it was discarded unread")) }
                }
            }
            continuation.finish()
            onClose()
        }
        thread.name = "zdsh.mcp.stdin"
        thread.start()
    }

    func disconnect() async { continuation.finish() }

    func send(_ data: Data) async throws {
        var bytes = [UInt8](data)
        bytes.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
            }
            offset += n
        }
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, Swift.Error> { stream }
}

/// Splits a byte stream into lines, scanning each byte once.
struct LineReader: Sendable {
    enum Line { case message([UInt8]), tooLong(Int) }

    let fd: Int32
    let limit: Int

    func run(_ deliver: (Line) -> Void) {
        var buffer: [UInt8] = []
        var discarding = 0  // > 0: bytes of an over-long line thrown away so far
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            var start = 0
            while let nl = chunk[start..<n].firstIndex(of: UInt8(ascii: "\n")) {
                if discarding > 0 {
                    deliver(.tooLong(discarding + nl - start))
                    discarding = 0
                } else {
                    buffer.append(contentsOf: chunk[start..<nl])
                    if buffer.count > limit { deliver(.tooLong(buffer.count)) } else if !buffer.isEmpty { deliver(.message(buffer)) }
                    buffer.removeAll(keepingCapacity: true)
                }
                start = nl + 1
            }
            if discarding > 0 {
                discarding += n - start
            } else {
                buffer.append(contentsOf: chunk[start..<n])
                if buffer.count > limit { discarding = buffer.count; buffer = [] }
            }
        }
    }
}

/// What the specification says of a line that is not a well-formed request:
/// not JSON → -32700 with id null; JSON that is not a request, response or
/// notification (no method) → -32600; `tools/call` without params → -32602.
/// Everything else goes to the SDK.
enum LineScreen {
    enum Verdict { case forward, reply(Data) }

    static func screen(_ bytes: [UInt8]) -> Verdict {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
            return .reply(error(id: nil, code: -32700, message: "parse error: the line is not valid JSON"))
        }
        if parsed is [Any] { return .forward }
        guard let object = parsed as? [String: Any] else {
            return .reply(error(id: nil, code: -32600, message: "invalid request: a JSON-RPC message must be an object"))
        }
        let id = object["id"]
        guard let method = object["method"] as? String else {
            if object["result"] != nil || object["error"] != nil { return .forward }
            return .reply(error(id: id, code: -32600, message: "invalid request: no method"))
        }
        if method == CallTool.name && !(object["params"] is [String: Any]) {
            return .reply(error(id: id, code: -32602, message: "invalid params: tools/call needs params with the tool's name and arguments"))
        }
        return .forward
    }

    static func error(id: Any?, code: Int, message: String) -> Data {
        var idValue: Any = NSNull()
        if let s = id as? String { idValue = s } else if let n = id as? NSNumber, !(id is Bool) { idValue = n }
        let reply: [String: Any] = ["jsonrpc": "2.0", "id": idValue, "error": ["code": code, "message": message]]
        return (try? JSONSerialization.data(withJSONObject: reply, options: [.sortedKeys])) ?? Data()
    }
}
