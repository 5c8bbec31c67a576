import DeskCore
import Foundation

/// A `Transport` that passes every request to `inner` and writes what
/// happened to a cassette file, secrets scrubbed (see `CassetteScrubber`).
///
/// The file is rewritten after each interaction, so a run that stops early
/// (a limit, Ctrl-C, `exit`) still leaves a usable cassette behind. Used by
/// `zdsh run … --record FILE`.
public final class RecordingTransport: Transport, @unchecked Sendable {
    public let inner: Transport
    public let path: String
    private let lock = NSLock()
    private var recorded = Cassette()
    /// The first error writing the file, reported once by `finish()`.
    private var writeError: Error?

    public init(inner: Transport, path: String) {
        self.inner = inner
        self.path = path
    }

    /// What has been recorded so far.
    public var cassette: Cassette { lock.lock(); defer { lock.unlock() }; return recorded }

    public func send(_ request: WireRequest) async throws -> WireResponse {
        let (req, secrets) = CassetteScrubber.request(request)
        do {
            let response = try await inner.send(request)
            append(Cassette.Interaction(request: req, response: CassetteScrubber.response(response, secrets: secrets)))
            return response
        } catch let e as TransportError {
            switch e {
            case .connectionReset: append(Cassette.Interaction(request: req, failure: .connectionReset))
            case .timedOut: append(Cassette.Interaction(request: req, failure: .timedOut))
            default: break
            }
            throw e
        }
    }

    /// Writes the cassette (again) and reports a write error seen on the way.
    public func finish() throws {
        lock.lock(); defer { lock.unlock() }
        try recorded.write(path: path)
        if let e = writeError { writeError = nil; throw e }
    }

    private func append(_ i: Cassette.Interaction) {
        lock.lock(); defer { lock.unlock() }
        recorded.interactions.append(i)
        do { try recorded.write(path: path) } catch { if writeError == nil { writeError = error } }
    }
}
