import JSONValue

/// An error as it may be shown within what is left of `--max-output`.
///
/// A runbook chooses its error's text (`error(string.rep("x", 3e7))`), and
/// an API error carries what a server sent: both are output like any other,
/// so they are cut to the run's budget before anyone formats them. The
/// message comes first, the traceback gets what the message left, and a
/// cut piece ends with the marker printed values get. A structured value's
/// strings are cut the same way and a list or object stops where the budget
/// does, so a JSON document built from it is still whole, valid JSON.
public struct ErrorBudget {
    /// Bytes left; nil = no cap.
    private var left: Int?
    /// The cap as set, for the marker.
    private let capacity: Int?

    /// What `budget` leaves, shared by `copies` places the error is written
    /// to (the report on stderr, the JSON document, its stderr line).
    public init(_ budget: OutputBudget, copies: Int = 1) {
        left = budget.bytes.map { max(0, $0) / max(1, copies) }
        capacity = budget.capacity
    }

    /// The marker a cut piece ends with.
    public var marker: String { "… [truncated: output limit of \((capacity ?? 0) >> 10) KB reached]" }

    /// `error` cut to the budget (the message and traceback spend it).
    public mutating func bound(_ error: LuaError) -> LuaError {
        switch error {
        case .syntax(let m): return .syntax(cut(m))
        case .runtime(let m, let traceback, let value):
            // The value is shown instead of the message (a JSON error
            // document), never beside it: it gets the same budget.
            var forValue = self
            let message = cut(m)
            return .runtime(message: message, traceback: cut(traceback), value: forValue.bound(value))
        case .limit(let kind, let m): return .limit(kind, cut(m))
        case .host(let m): return .host(cut(m))
        }
    }

    /// `text`, or its start and the marker when it does not fit. Sizes are
    /// counted as written: a control byte takes six once escaped (`\u001b`).
    public mutating func cut(_ text: String) -> String {
        guard let room = left else { return text }
        var spent = 0
        var end = text.utf8.startIndex
        for index in text.utf8.indices {
            let weight = Self.weight(text.utf8[index])
            if spent + weight > room {
                left = 0
                while end > text.utf8.startIndex, UTF8.isContinuation(text.utf8[end]) { end = text.utf8.index(before: end) }
                return String(decoding: text.utf8[text.utf8.startIndex..<end], as: UTF8.self) + marker
            }
            spent += weight
            end = text.utf8.index(after: index)
        }
        left = room - spent
        return text
    }

    /// Bytes one byte of text takes once escaped for a terminal or JSON.
    private static func weight(_ byte: UInt8) -> Int {
        byte < 0x20 || byte == 0x7F ? 6 : byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") ? 2 : 1
    }

    private mutating func bound(_ value: ErrorValue) -> ErrorValue {
        switch value {
        case .string(let s): return .string(cut(s))
        case .object(let j): return .object(bound(j))
        case .table(let j): return .table(bound(j))
        case .other(let s): return .other(cut(s))
        }
    }

    /// `value` with its strings cut and its lists and objects stopped where
    /// the budget runs out (a list then ends with the marker, an object with
    /// a "…" field holding it): always a whole JSON value.
    public mutating func bound(_ value: JSON) -> JSON {
        guard left != nil else { return value }
        // Quotes, commas, colons and brackets are written too.
        switch value {
        case .string(let s):
            spend(2)
            return .string(cut(s))
        case .array(let items):
            spend(2)
            var kept: [JSON] = []
            for item in items {
                guard (left ?? 1) > 0 else { kept.append(.string(marker)); break }
                spend(1)
                kept.append(bound(item))
            }
            return .array(kept)
        case .object(let fields):
            spend(2)
            var kept: [String: JSON] = [:]
            // A fixed order, so what survives a cut does not change from run to run.
            for (key, field) in fields.sorted(by: { $0.key < $1.key }) {
                guard (left ?? 1) > 0 else { kept["…"] = .string(marker); break }
                spend(4)
                let name = cut(key)
                kept[name] = bound(field)
            }
            return .object(kept)
        case .null, .bool, .int, .double:
            spend(8)
            return value
        }
    }

    private mutating func spend(_ bytes: Int) { left = left.map { max(0, $0 - bytes) } }
}
