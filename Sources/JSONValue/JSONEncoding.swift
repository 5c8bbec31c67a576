/// Serialising `JSON` to text.
///
/// Keys are sorted so that the same value always produces the same bytes.
/// Doubles that are not finite cannot be represented in JSON; converters
/// refuse them before they get here, and the encoder writes `null` as a last
/// resort rather than emitting invalid JSON.
extension JSON {
    /// How `encoded` writes a value.
    public struct EncodingOptions: OptionSet, Sendable {
        /// The option bits.
        public let rawValue: Int
        /// Options from their bits.
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Indented, one member per line.
        public static let pretty = EncodingOptions(rawValue: 1)
    }

    /// The value as JSON text (compact unless `.pretty`).
    public func encoded(_ options: EncodingOptions = []) -> String {
        var out = ""
        write(to: &out, pretty: options.contains(.pretty), indent: 0)
        return out
    }

    /// The value as UTF-8 JSON bytes.
    public func encodedBytes(_ options: EncodingOptions = []) -> [UInt8] {
        Array(encoded(options).utf8)
    }

    private func write(to out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += JSON.format(double: d)
        case .string(let s): JSON.writeString(s, to: &out)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "["
            for (n, element) in a.enumerated() {
                if n > 0 { out += "," }
                if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
                element.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { out += "\n" + String(repeating: "  ", count: indent) }
            out += "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{"
            for (n, key) in o.keys.sorted().enumerated() {
                if n > 0 { out += "," }
                if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
                JSON.writeString(key, to: &out)
                out += pretty ? ": " : ":"
                o[key]!.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { out += "\n" + String(repeating: "  ", count: indent) }
            out += "}"
        }
    }

    static func format(double d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15 {
            // Keep a fractional part so the value reads back as a double.
            return String(format: d)
        }
        return "\(d)"
    }

    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        if !needsEscaping(s) {
            // The common case (ids, names, timestamps): copied in one piece.
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

extension JSON {
    /// Whether any byte of `s` needs an escape: a quote, a backslash, a
    /// control character, or U+2028/U+2029 (E2 80 A8/A9 in UTF-8).
    static func needsEscaping(_ s: String) -> Bool {
        s.utf8.contains { b in b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == 0xE2 }
    }
}

private extension String {
    init(format d: Double) {
        let whole = Int64(d)
        self = "\(whole).0"
    }
}

extension JSON: CustomStringConvertible {
    /// The compact JSON text.
    public var description: String { encoded() }
}
