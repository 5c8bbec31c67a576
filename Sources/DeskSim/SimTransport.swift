import DeskCore

/// The in-process face: a `Transport` that hands requests straight to the
/// simulator, no sockets. Used by tests and `zdsh run --sim`.
public struct SimTransport: Transport {
    public let simulator: Simulator

    public init(_ simulator: Simulator) { self.simulator = simulator }

    public func send(_ request: WireRequest) async throws -> WireResponse {
        switch await simulator.handle(request) {
        case .response(let r): return r
        case .connectionReset: throw TransportError.connectionReset
        }
    }
}
