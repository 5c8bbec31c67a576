/// A credential that must never appear in output. Printing, interpolating,
/// dumping or mirroring it yields a placeholder; the value is reachable only
/// through `reveal`, which makes every use greppable.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable, ExpressibleByStringLiteral
{
    public let reveal: String

    public init(_ value: String) { reveal = value }
    public init(stringLiteral value: String) { reveal = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
    public var isEmpty: Bool { reveal.isEmpty }
}

extension Optional where Wrapped == Secret {
    /// Convenience for initialisers that take plain strings.
    init(_ value: String?) { self = value.flatMap { $0.isEmpty ? nil : Secret($0) } }
}
