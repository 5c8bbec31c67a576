import DeskCore
import Foundation
import Synchronization

/// A `Transport` that passes every request to `inner` and writes what
/// happened to a cassette file, secrets scrubbed (see `CassetteScrubber`).
///
/// The file is rewritten after each interaction, so a run that stops early
/// (a limit, Ctrl-C, `exit`) still leaves a usable cassette behind. Used by
/// `zdsh run … --record FILE`.
package final class RecordingTransport: Transport {
    package let inner: Transport
    package let path: String
    private let state = Mutex(Recording())

    private struct Recording {
        var cassette = Cassette()
        /// The first error writing the file, reported once by `finish()`.
        var writeError: Error?
    }

    package init(inner: Transport, path: String) {
        self.inner = inner
        self.path = path
    }

    /// What has been recorded so far.
    package var cassette: Cassette { state.withLock { $0.cassette } }

    package func send(_ request: WireRequest) async throws -> WireResponse {
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
    package func finish() throws {
        try state.withLock { r in
            try r.cassette.write(path: path)
            if let e = r.writeError { r.writeError = nil; throw e }
        }
    }

    private func append(_ i: Cassette.Interaction) {
        state.withLock { r in
            r.cassette.interactions.append(i)
            do { try r.cassette.write(path: path) } catch { if r.writeError == nil { r.writeError = error } }
        }
    }
}
