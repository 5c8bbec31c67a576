import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately hostile Desk on 127.0.0.1: it answers the token request
/// like Zoho and every API request with whatever the test scripts — any
/// status, any header value, a body of any size streamed in chunks (with or
/// without Content-Length). Plain sockets, one thread per connection,
/// `Connection: close`: just enough HTTP/1.1 to be real, nothing more.
final class HostileServer: @unchecked Sendable {
    /// One scripted answer.
    struct Answer: Sendable {
        var status = 200
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        /// The body's bytes, produced in pieces as they are sent.
        var body: BodySource = .bytes(Array("{}".utf8))
        /// Send Content-Length (else the body ends when the connection closes).
        var announceLength = true
    }

    enum BodySource: Sendable {
        case bytes([UInt8])
        /// `prefix`, `count` repetitions of `unit`, then `suffix`.
        case repeated(prefix: String, unit: String, count: Int, suffix: String)

        var length: Int {
            switch self {
            case .bytes(let b): return b.count
            case .repeated(let p, let u, let n, let s): return p.utf8.count + u.utf8.count * n + s.utf8.count
            }
        }
    }

    /// A request as the server saw it (method and path), and how much of
    /// its answer's body the client read before it hung up.
    struct Seen: Sendable { let method: String; let path: String }

    private let listener: Int32
    let port: Int
    private let answers = Mutex<@Sendable (Seen) -> Answer>({ _ in Answer() })
    private let log = Mutex<[Seen]>([])
    private let sentBytes = Mutex(0)
    private let stopped = Mutex(false)
    private let token = Mutex(#"{"access_token":"1000.hostileaccess","expires_in":3600,"token_type":"Bearer"}"#)

    /// What the token endpoint answers from now on (JSON text).
    func tokenAnswer(_ json: String) { token.withLock { $0 = json } }

    init() throws {
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// What every API request is answered with from now on.
    func answer(_ script: @escaping @Sendable (Seen) -> Answer) { answers.withLock { $0 = script } }

    /// API requests so far (the token request excluded).
    var requests: [Seen] { log.withLock { $0 } }
    /// Body bytes written to clients so far.
    var bytesSent: Int { sentBytes.withLock { $0 } }

    func stop() {
        stopped.withLock { $0 = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// The environment pointing a `zdsh --profile NAME` process here.
    func environment(home: String) -> [String: String] {
        Zdsh.environment(home: home, extra: [
            "ZOHO_CLIENT_ID": "1000.HOSTILE", "ZOHO_CLIENT_SECRET": "hostile-secret",
            "ZOHO_REFRESH_TOKEN": "1000.hostilehostilehostile.refresh", "ZOHO_DESK_ORG_ID": "60001234",
            "ZDSH_API_URL": base, "ZDSH_ACCOUNTS_URL": base,
        ])
    }

    private func acceptLoop() {
        while !stopped.withLock({ $0 }) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { if errno == EINTR { continue } else { return } }
            Thread { [self] in serve(client) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        guard let (method, path, bodyLength) = readHead(fd) else { return }
        discard(fd, bodyLength)
        let answer: Answer
        if path.hasPrefix("/oauth/v2/token") {
            answer = Answer(body: .bytes(Array(token.withLock { $0 }.utf8)))
        } else {
            let seen = Seen(method: method, path: path)
            log.withLock { $0.append(seen) }
            answer = answers.withLock { $0 }(seen)
        }
        write(answer, to: fd)
    }

    /// The request line and the Content-Length of its body.
    private func readHead(_ fd: Int32) -> (String, String, Int)? {
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while head.count < 65_536 {
            guard recv(fd, &byte, 1, 0) == 1 else { return nil }
            head.append(byte)
            if head.count >= 4, head.suffix(4) == [13, 10, 13, 10] { break }
        }
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count >= 2 else { return nil }
        let length = lines.dropFirst().compactMap { line -> Int? in
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == "content-length" else { return nil }
            return Int(pair[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        return (String(parts[0]), String(parts[1]), length)
    }

    private func discard(_ fd: Int32, _ count: Int) {
        var left = count
        var buffer = [UInt8](repeating: 0, count: 4096)
        while left > 0 {
            let n = recv(fd, &buffer, min(left, buffer.count), 0)
            guard n > 0 else { return }
            left -= n
        }
    }

    private func write(_ answer: Answer, to fd: Int32) {
        var head = "HTTP/1.1 \(answer.status) Hostile\r\nConnection: close\r\n"
        for (name, value) in answer.headers { head += "\(name): \(value)\r\n" }
        if answer.announceLength { head += "Content-Length: \(answer.body.length)\r\n" }
        head += "\r\n"
        guard sendAll(fd, Array(head.utf8)) else { return }
        switch answer.body {
        case .bytes(let bytes):
            _ = sendAll(fd, bytes)
        case .repeated(let prefix, let unit, let count, let suffix):
            guard sendAll(fd, Array(prefix.utf8)) else { return }
            let perChunk = max(1, (1 << 20) / max(1, unit.utf8.count))
            let chunk = Array(String(repeating: unit, count: perChunk).utf8)
            var left = count
            while left > 0 {
                let n = min(left, perChunk)
                guard sendAll(fd, n == perChunk ? chunk : Array(chunk.prefix(n * unit.utf8.count))) else { return }
                left -= n
            }
            _ = sendAll(fd, Array(suffix.utf8))
        }
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            offset += n
            sentBytes.withLock { $0 += n }
        }
        return true
    }
}
