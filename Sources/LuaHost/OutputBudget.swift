import Foundation

/// How much a run may still write, and until when.
public struct OutputBudget: Sendable, Equatable {
    /// Bytes left; nil = no cap.
    public var bytes: Int?
    public var deadline: Date?
    /// The cap as set (`--max-output`), for messages; nil = none.
    public var capacity: Int?

    public init(bytes: Int?, deadline: Date?, capacity: Int? = nil) {
        self.bytes = bytes
        self.deadline = deadline
        self.capacity = capacity ?? bytes
    }

    public static let unlimited = OutputBudget(bytes: nil, deadline: nil)
}
