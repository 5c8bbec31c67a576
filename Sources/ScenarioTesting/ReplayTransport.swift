import DeskCore
import Foundation
import Synchronization

/// A `Transport` that answers from a cassette and never opens a connection.
///
/// A request matches an interaction with the same method, path, query and
/// body (after the same scrubbing as recording; hosts and headers do not
/// count). Matching interactions are played in recorded order, so a list
/// read before and after a delete gets the two answers it got when
/// recorded; once all are used the last one repeats. A request the cassette
/// does not hold throws `TransportError.notRecorded` (VCR's "none" mode:
/// replay can never reach a real org).
package final class ReplayTransport: Transport {
    package let cassette: Cassette
    private let state: Mutex<Playback>

    private struct Playback {
        var used: [Bool]
        var misses: [String] = []
    }

    package init(cassette: Cassette) {
        self.cassette = cassette
        state = Mutex(Playback(used: Array(repeating: false, count: cassette.interactions.count)))
    }

    package convenience init(path: String) throws {
        self.init(cassette: try Cassette.load(path: path))
    }

    /// Requests that found no recording, as "METHOD /path?query".
    package var unmatched: [String] { state.withLock { $0.misses } }

    package func send(_ request: WireRequest) async throws -> WireResponse {
        let (req, _) = CassetteScrubber.request(request)
        guard let interaction = take(req) else {
            let q = req.query.keys.sorted().map { "\($0)=\(req.query[$0]!)" }.joined(separator: "&")
            let text = "\(req.method) \(req.path)\(q.isEmpty ? "" : "?" + q)"
            state.withLock { $0.misses.append(text) }
            throw TransportError.notRecorded(text)
        }
        if let failure = interaction.failure {
            throw failure == .timedOut ? TransportError.timedOut : TransportError.connectionReset
        }
        let r = interaction.response ?? Cassette.Response(status: 204)
        return WireResponse(status: r.status, headers: r.headers.sorted { $0.key < $1.key }.map { Header($0.key, $0.value) },
                            body: r.body?.bytes ?? [])
    }

    private func take(_ req: Cassette.Request) -> Cassette.Interaction? {
        state.withLock { playback in
            var last: Int?
            for (i, interaction) in cassette.interactions.enumerated() where interaction.request == req {
                if !playback.used[i] { playback.used[i] = true; return interaction }
                last = i
            }
            return last.map { cassette.interactions[$0] }
        }
    }
}
