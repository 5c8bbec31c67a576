import DeskCore
import DeskGate
import Foundation

package extension Backend {
    /// The same backend with every request also written to a cassette at
    /// `path` (what `zdsh run … --record FILE` uses). Call `finish()` on the
    /// returned recorder at the end to surface a write error.
    func recording(to path: String) -> (backend: Backend, recorder: RecordingTransport) {
        let recorder = RecordingTransport(inner: client.transport, path: path)
        let recorded = DeskClient(connection: client.connection, transport: recorder, store: client.store, options: client.options)
        return (Backend(client: recorded, simulator: simulator), recorder)
    }

    /// A backend that answers only from the cassette at `path` (no network,
    /// no simulator); requests it does not hold fail with `notRecorded`.
    static func replay(cassette path: String) throws -> Backend {
        let backend = ScenarioBackend(cassette: try Cassette.load(path: path), path: path)
        return Backend(client: backend.makeClient(), simulator: nil)
    }
}
