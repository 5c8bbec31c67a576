import Foundation
import Synchronization

/// One line of `--verbose` output: a request went out, an answer came back
/// (or did not), or we decided to wait and retry.
public struct RequestEvent: Sendable, Hashable {
    /// Which moment of a call the event reports.
    public enum Phase: String, Sendable { case request, response, retry, failure, refresh }
    /// The moment reported.
    public var phase: Phase
    /// The HTTP method.
    public var method: String
    /// Path and query only — never the host's credentials, never headers.
    public var path: String
    /// The HTTP status, once an answer came.
    public var status: Int?
    /// Zoho's error code, when the answer was an error.
    public var errorCode: String?
    /// How long the attempt took, once it ended.
    public var duration: Duration?
    /// Why we are retrying / what failed ("429 TOO_MANY_REQUESTS, waiting 1.2s").
    public var note: String?
    /// Which attempt of the call (1 for the first).
    public var attempt: Int

    /// An event; only the phase, method and path are required.
    public init(phase: Phase, method: String, path: String, status: Int? = nil, errorCode: String? = nil,
                duration: Duration? = nil, note: String? = nil, attempt: Int = 1) {
        self.phase = phase; self.method = method; self.path = path; self.status = status
        self.errorCode = errorCode; self.duration = duration; self.note = note; self.attempt = attempt
    }

    /// "→ GET /api/v1/tickets?limit=50" / "← 429 TOO_MANY_REQUESTS GET /api/v1/tickets 120ms".
    public var line: String {
        var parts: [String]
        switch phase {
        case .request: parts = ["→", method, path]
        case .response: parts = ["←", status.map(String.init) ?? "-", method, path]
        case .retry: parts = ["↻", method, path]
        case .failure: parts = ["✗", method, path]
        case .refresh: parts = ["⟳", method, path]
        }
        if let errorCode { parts.append(errorCode) }
        if let duration { parts.append(RequestEvent.format(duration)) }
        if attempt > 1 { parts.append("attempt \(attempt)") }
        if let note { parts.append("(\(note))") }
        return parts.joined(separator: " ")
    }

    static func format(_ d: Duration) -> String {
        let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        return ms < 1000 ? "\(Int(ms.rounded()))ms" : String(format: "%.2fs", ms / 1000)
    }
}

/// Where request events go. The client scrubs every event with its
/// `Redactor` before handing it over, so sinks need not know about secrets.
public protocol RequestLogSink: Sendable {
    /// Takes one event; must not block or throw.
    func record(_ event: RequestEvent)
}

/// Discards everything (the default when not verbose).
public struct SilentLogSink: RequestLogSink {
    /// A sink that keeps nothing.
    public init() {}
    /// Drops the event.
    public func record(_ event: RequestEvent) {}
}

/// Writes each event as one line on stderr (`--verbose`, `ZDSH_DEBUG=1`).
public struct StderrLogSink: RequestLogSink {
    /// A sink writing to this process's stderr.
    public init() {}
    /// Writes the event's line, prefixed "zdsh: ".
    public func record(_ event: RequestEvent) {
        FileHandle.standardError.write(Data(("zdsh: " + event.line + "\n").utf8))
    }

    /// Whether the environment asks for request logging.
    public static func isRequested(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let v = environment["ZDSH_DEBUG"]?.lowercased() else { return false }
        return ["1", "true", "yes", "on"].contains(v)
    }
}

/// Keeps events in memory; for tests and for a shell `:last` command.
public final class CollectingLogSink: RequestLogSink {
    private let storage = Mutex<[RequestEvent]>([])
    /// An empty collection.
    public init() {}
    /// Keeps the event.
    public func record(_ event: RequestEvent) { storage.withLock { $0.append(event) } }
    /// Every event so far, oldest first.
    public var events: [RequestEvent] { storage.withLock { $0 } }
    /// The events as `--verbose` prints them.
    public var lines: [String] { events.map(\.line) }
}
