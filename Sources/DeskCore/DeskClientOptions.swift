import DeskCatalog
import Foundation

/// Knobs for a `DeskClient`. Defaults suit a human at a terminal; tests
/// shrink the delays.
public struct DeskClientOptions: Sendable {
    public var retry = RetryPolicy()
    /// Refresh the access token when it expires within this many seconds.
    public var refreshSkew: TimeInterval = 120
    /// Calls in flight per org across the process. Zoho's limit is 5–25 by
    /// edition (`ConcurrencySetting`); 5, the lowest, fits every org.
    public var maxConcurrentCalls = ConcurrencySetting.lowestEditionLimit
    /// A limiter to use instead of the process-wide one for the org.
    public var limiter: ConcurrencyLimiter?
    /// Where `--verbose` request lines go (already redacted).
    public var log: RequestLogSink = SilentLogSink()
    /// Fail fast when the granted scopes cannot cover an operation.
    public var checkScopes = true
    /// Discover and persist the org id when the connection has none.
    public var discoverOrg = true
    /// Use the client-credentials grant instead of a refresh token.
    public var clientCredentialScopes: [String]?
    /// Resolves concrete paths for `raw(…)` to an operation (scopes, id params);
    /// the shell passes `{ Catalog.shared.match(method: $0, path: $1)?.operation }`.
    public var operationResolver: (@Sendable (_ method: String, _ path: String) -> DeskCatalog.Operation?)?
    public var userAgent = "zdsh/0.1 (+https://github.com/zdsh)"
    /// Cross-process refresh lease tuning (see `TokenManager.Settings`).
    public var refreshLease: TimeInterval = 30
    public var refreshMaxWait: TimeInterval = 45
    public var refreshPollInterval: Duration = .milliseconds(100)
    /// Where one-line notices for the operator go (the run's stderr): the
    /// lowered concurrency after sustained 429s.
    public var notice: @Sendable (String) -> Void = { text in
        FileHandle.standardError.write(Data(("zdsh: " + text + "\n").utf8))
    }
    public var now: @Sendable () -> Date = { Date() }
    public var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

    public init() {}

    /// Defaults plus request logging on stderr when `verbose` or ZDSH_DEBUG=1.
    public static func standard(verbose: Bool = false,
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> DeskClientOptions {
        var o = DeskClientOptions()
        if verbose || StderrLogSink.isRequested(environment: environment) { o.log = StderrLogSink() }
        return o
    }

    /// Options for tests: no real waiting, given retry attempts.
    public static func fast(attempts: Int = 4) -> DeskClientOptions {
        var o = DeskClientOptions()
        o.retry = RetryPolicy(maxAttempts: attempts, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5),
                              maxRetryAfter: .seconds(60), jitter: 0)
        o.refreshPollInterval = .milliseconds(5)
        return o
    }
}
