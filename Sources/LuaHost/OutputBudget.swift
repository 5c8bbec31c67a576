import Foundation

/// How much a run may still write, and until when.
public struct OutputBudget: Sendable, Equatable {
    /// Bytes left; nil = no cap.
    public var bytes: Int?
    /// When writing must stop; nil = no deadline.
    public var deadline: Date?
    /// The cap as set (`--max-output`), for messages; nil = none.
    public var capacity: Int?

    /// A budget of `bytes` until `deadline`; `capacity` defaults to `bytes`.
    public init(bytes: Int?, deadline: Date?, capacity: Int? = nil) {
        self.bytes = bytes
        self.deadline = deadline
        self.capacity = capacity ?? bytes
    }

    /// No cap and no deadline.
    public static let unlimited = OutputBudget(bytes: nil, deadline: nil)
}
