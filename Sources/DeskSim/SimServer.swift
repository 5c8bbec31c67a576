import DeskCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The HTTP face: Hummingbird on 127.0.0.1 in front of the same
/// `Simulator.handle`. One responder for every path (the simulator does its
/// own routing), so the per-request cost is the simulator's plus HTTP parsing.
public final class SimServer: Sendable {
    public let simulator: Simulator
    public let host: String
    private let requestedPort: Int
    private let state = ServerState()

    public init(simulator: Simulator, host: String = "127.0.0.1", port: Int = 0) {
        self.simulator = simulator
        self.host = host
        self.requestedPort = port
    }

    /// Serves until the surrounding task is cancelled (or SIGINT/SIGTERM when
    /// `handleSignals`). `onStart` gets the bound port (useful with port 0).
    public func run(handleSignals: Bool = false, onStart: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var logger = Logger(label: "zdsh.sim")
        logger.logLevel = .warning
        let app = Application(
            responder: SimResponder(simulator: simulator),
            configuration: .init(address: .hostname(host, port: requestedPort), serverName: nil),
            onServerRunning: { [simulator, host, state] channel in
                let port = channel.localAddress?.port ?? 0
                simulator.setBaseURL(api: "http://\(host):\(port)")
                state.setPort(port)
                await onStart(port)
            },
            logger: logger
        )
        // Our own group rather than `app.runService`: `stop()` shuts it down
        // gracefully (cancelling the task instead makes Hummingbird log
        // errors about a channel already closed).
        let group = ServiceGroup(configuration: .init(
            services: [app], gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: logger))
        state.setGroup(group)
        try await group.run()
    }

    /// Starts serving in a background task and returns the bound port.
    public func start() async throws -> Int {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let task = Task { [self] in
            do {
                try await run { port in continuation.yield(port); continuation.finish() }
            } catch {
                continuation.finish()
            }
        }
        state.setTask(task)
        for await port in stream { return port }
        throw TransportError.cannotConnect("simulator server did not start")
    }

    /// Stops a server started with `start()`.
    public func stop() async {
        guard let task = state.task else { return }
        if let group = state.group { await group.triggerGracefulShutdown() } else { task.cancel() }
        _ = await task.result
    }

    public var port: Int? { state.port }
}

private final class ServerState: Sendable {
    private let port_ = Mutex<Int?>(nil)
    private let task_ = Mutex<Task<Void, Never>?>(nil)
    var port: Int? { port_.withLock { $0 } }
    private let group_ = Mutex<ServiceGroup?>(nil)
    var task: Task<Void, Never>? { task_.withLock { $0 } }
    var group: ServiceGroup? { group_.withLock { $0 } }
    func setGroup(_ g: ServiceGroup) { group_.withLock { $0 = g } }
    func setPort(_ p: Int) { port_.withLock { $0 = p } }
    func setTask(_ t: Task<Void, Never>) { task_.withLock { $0 = t } }
}

/// Keeps the channel so an injected connection reset can close the socket.
struct SimRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

private struct ConnectionDropped: Error {}

struct SimResponder: HTTPResponder {
    let simulator: Simulator

    func respond(to request: Request, context: SimRequestContext) async throws -> Response {
        let delay = SimDelay.eventLoop(context.channel.eventLoop, since: .now())
        let buffer = try await request.body.collect(upTo: 32 * 1024 * 1024)
        let body = buffer.readableBytes > 0 ? Array(buffer.readableBytesView) : nil
        var headers: [Header] = []
        headers.reserveCapacity(request.headers.count)
        for field in request.headers { headers.append(Header(field.name.canonicalName, field.value)) }
        let url = "http://sim" + (request.head.path ?? "/")
        let wire = WireRequest(method: request.method.rawValue, url: url, headers: headers, body: body)
        switch await simulator.handle(wire, delay: delay) {
        case .connectionReset:
            // Close without answering: the client sees the connection drop.
            try? await context.channel.close(mode: .all)
            throw ConnectionDropped()
        case .response(let r):
            var fields = HTTPFields()
            for h in r.headers {
                if let name = HTTPField.Name(h.name) { fields.append(HTTPField(name: name, value: h.value)) }
            }
            return Response(status: .init(code: r.status), headers: fields,
                            body: .init(byteBuffer: ByteBuffer(bytes: r.body)))
        }
    }
}
