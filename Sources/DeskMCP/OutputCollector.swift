import Foundation
import Synchronization

/// What a run printed, kept for the tool result: stdout belongs to the
/// protocol, so Lua's print never reaches it. LuaHost caps the total at
/// the run's --max-output.
final class OutputCollector: Sendable {
    private let bytes = Mutex<[UInt8]>([])

    func append(_ text: String) { bytes.withLock { $0 += Array(text.utf8) } }
    func append(bytes more: [UInt8]) { bytes.withLock { $0 += more } }

    /// Invalid UTF-8 (Lua strings are bytes) is shown with replacement characters.
    var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
}
