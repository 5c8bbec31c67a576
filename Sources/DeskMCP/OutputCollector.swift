import Foundation

/// What a run printed, kept for the tool result: stdout belongs to the
/// protocol, so Lua's print never reaches it. LuaHost caps the total at
/// the run's --max-output.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []

    func append(_ text: String) { lock.withLock { bytes += Array(text.utf8) } }
    func append(bytes more: [UInt8]) { lock.withLock { bytes += more } }

    /// Invalid UTF-8 (Lua strings are bytes) is shown with replacement characters.
    var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
}
