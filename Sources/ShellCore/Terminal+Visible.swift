package extension Terminal {
    /// `text` made safe to show: every character a terminal would obey rather
    /// than print becomes a visible Lua-style escape. Runbooks, plan files,
    /// audit logs and API responses are hostile, and the operator must see
    /// exactly what zdsh says: an ESC sequence could recolour, conceal or
    /// erase lines, CR or LF could forge a line of zdsh's own, and a bidi
    /// override could make `delete` read as something else.
    ///
    /// `multiline` keeps newline and tab (for text that is many lines by
    /// nature: what a runbook prints); otherwise they are escaped too, so a
    /// single-line field stays on its line.
    ///
    /// Escapes are printable, so escaping escaped text changes nothing.
    static func visible(_ text: String, multiline: Bool = false) -> String {
        // The common case (ids, names, paths) has nothing to escape.
        guard text.unicodeScalars.contains(where: { needsEscape($0, multiline: multiline) }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, multiline: multiline) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x80 {
                    out += "\\x" + hex(scalar.value, digits: 2)
                } else {
                    out += "\\u{" + hex(scalar.value, digits: 1) + "}"
                }
            }
        }
        return out
    }

    static func needsEscape(_ scalar: Unicode.Scalar, multiline: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return !multiline
        case 0x00...0x1F, 0x7F: return true         // C0 controls (ESC, CR, BEL, …) and DEL
        case 0x80...0x9F: return true               // C1 controls (CSI, OSC, NEL, …)
        case 0x061C, 0x200E, 0x200F: return true    // bidi marks
        case 0x202A...0x202E: return true           // bidi embeddings and overrides
        case 0x2066...0x2069: return true           // bidi isolates
        case 0x2028, 0x2029: return true            // line and paragraph separators
        default: return false
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let s = String(value, radix: 16, uppercase: true)
        return s.count >= digits ? s : String(repeating: "0", count: digits - s.count) + s
    }
}
