import Foundation

/// Text built piece by piece that stops growing once it reaches its output
/// budget or its deadline passes: formatting a huge value then costs what
/// can be shown, not what the value holds. Pieces past the stop are
/// ignored, so formatters may simply go on appending (or look at `isFull`
/// to skip work).
public struct BoundedText {
    /// The text so far.
    public private(set) var text = ""
    /// Why the text stopped short: `.output` or `.timeout`; nil while whole.
    public private(set) var stop: LimitKind?
    /// The bytes and the deadline the text must keep within.
    public let budget: OutputBudget
    private var written = 0
    private var appendsSinceClock = 0

    /// Appends between two looks at the clock (reading it costs more than
    /// appending a short piece).
    static let clockEvery = 64

    /// Empty text within `budget`.
    public init(_ budget: OutputBudget = .unlimited) {
        self.budget = budget
        checkClock()
    }

    /// Whether appending stopped (nothing more will be kept).
    public var isFull: Bool { stop != nil }

    /// Bytes that may still be appended; nil = no cap.
    public var room: Int? { budget.bytes.map { max(0, $0 - written) } }

    /// Appends `piece`, or the part of it that fits (cut at a character
    /// boundary). Returns false once the text has stopped.
    @discardableResult
    public mutating func append(_ piece: String) -> Bool {
        guard stop == nil else { return false }
        appendsSinceClock += 1
        if appendsSinceClock >= Self.clockEvery || piece.utf8.count > 4096 {
            appendsSinceClock = 0
            checkClock()
            if stop != nil { return false }
        }
        let size = piece.utf8.count
        if let room, size > room {
            text += Self.prefix(of: piece, bytes: room)
            written += room
            stop = .output
            return false
        }
        text += piece
        written += size
        return true
    }

    /// What to show after text that stopped short (nil when whole).
    public var marker: String? {
        switch stop {
        case .output?:
            return "… [truncated: output limit of \(Self.kilobytes(budget.capacity)) reached]"
        case .timeout?:
            return "… [cut short: time limit reached]"
        default:
            return nil
        }
    }

    /// The limit error for text that stopped short, worded like the run's own.
    public var limitMessage: String? {
        switch stop {
        case .output?:
            return "output limit of \(Self.kilobytes(budget.capacity)) exceeded (raise it with --max-output)"
        case .timeout?:
            return "time limit exceeded (raise it with --timeout)"
        default:
            return nil
        }
    }

    private mutating func checkClock() {
        if let deadline = budget.deadline, Date() >= deadline { stop = .timeout }
    }

    private static func kilobytes(_ bytes: Int?) -> String { "\((bytes ?? 0) >> 10) KB" }

    /// The longest prefix of `s` of at most `bytes` UTF-8 bytes that ends on
    /// a character boundary (no broken sequence at the cut).
    static func prefix(of s: String, bytes: Int) -> String {
        let utf8 = s.utf8
        guard bytes > 0 else { return "" }
        guard utf8.count > bytes else { return s }
        var end = utf8.index(utf8.startIndex, offsetBy: bytes)
        while end > utf8.startIndex, UTF8.isContinuation(utf8[end]) { end = utf8.index(before: end) }
        return String(decoding: utf8[utf8.startIndex..<end], as: UTF8.self)
    }
}
