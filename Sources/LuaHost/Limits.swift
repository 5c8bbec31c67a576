import Foundation

/// Resource limits of one sandboxed run. Each has a default and a flag of
/// the same name on the command line.
public struct Limits: Sendable, Equatable {
    /// Wall-clock limit in seconds (`--timeout`); nil = none.
    public var timeout: Double?
    /// Heap limit in bytes (`--max-memory`, given in MB); 0 = none.
    public var maxMemory: Int
    /// VM instructions across all coroutines (`--max-instructions`); 0 = none.
    public var maxInstructions: Int64
    /// Bytes written by `print` (`--max-output`, given in KB); 0 = none.
    public var maxOutput: Int

    /// Limits with the command line's defaults for any not given.
    public init(timeout: Double? = 300, maxMemory: Int = 256 << 20,
                maxInstructions: Int64 = 0, maxOutput: Int = 10 << 20) {
        self.timeout = timeout
        self.maxMemory = maxMemory
        self.maxInstructions = maxInstructions
        self.maxOutput = maxOutput
    }

    /// The command line's defaults.
    public static let defaults = Limits()
    /// No limit at all (trusted code and tests).
    public static let none = Limits(timeout: nil, maxMemory: 0, maxInstructions: 0, maxOutput: 0)
}

/// Which limit stopped a run.
public enum LimitKind: String, Sendable, Equatable {
    case memory, instructions, timeout, output, interrupt, host

    /// The command-line flag that raises this limit, if there is one.
    public var flag: String? {
        switch self {
        case .memory: return "--max-memory"
        case .instructions: return "--max-instructions"
        case .timeout: return "--timeout"
        case .output: return "--max-output"
        case .interrupt, .host: return nil
        }
    }
}
