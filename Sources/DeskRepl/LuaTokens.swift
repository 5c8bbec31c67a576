/// A small Lua lexer, just enough for the REPL to see statement structure:
/// names and keywords with their byte ranges, skipping strings, long
/// brackets, comments and numbers. It never fails: unterminated strings or
/// comments simply run to the end (Lua's own compiler reports those).
package struct LuaToken: Equatable {
    enum Kind: Equatable { case name, symbol, literal }
    let kind: Kind
    let text: String
    /// Byte offsets into the source's UTF-8.
    let start: Int
    let end: Int
}

package enum LuaLexer {
    static func tokens(_ source: String) -> [LuaToken] { tokens(Array(source.utf8)) }

    static func tokens(_ b: [UInt8]) -> [LuaToken] {
        let scan = LuaScanner(b: b)
        var out: [LuaToken] = []
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 32 || c == 9 || c == 10 || c == 13 || c == 11 || c == 12 { i += 1; continue }
            if c == UInt8(ascii: "-"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "-") {
                i = scan.endOfComment(from: i)
                continue
            }
            let kind: LuaToken.Kind
            let end: Int
            if let level = scan.longBracket(at: i) {
                (kind, end) = (.literal, scan.skipLong(from: i, level: level))
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                (kind, end) = (.literal, scan.endOfQuoted(from: i))
            } else if LuaScanner.isNameStart(c) {
                (kind, end) = (.name, scan.endOfName(from: i))
            } else if LuaScanner.isDigit(c) || (c == UInt8(ascii: ".") && i + 1 < b.count && LuaScanner.isDigit(b[i + 1])) {
                (kind, end) = (.literal, scan.endOfNumber(from: i))
            } else {
                // Multi-character symbols matter only for `::`, `..`, `==`, `<=`… not
                // being mistaken for attribute brackets; one-character tokens suffice
                // except for `<`/`>` which we keep single (attributes are `<name>`).
                (kind, end) = (.symbol, i + 1)
            }
            out.append(LuaToken(kind: kind, text: kind == .literal ? "" : scan.text(i, end), start: i, end: end))
            i = end
        }
        return out
    }
}

/// Where each kind of Lua token that starts at an offset ends (exclusive).
private struct LuaScanner {
    let b: [UInt8]

    static func isNameStart(_ c: UInt8) -> Bool { c == 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 128 }
    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    func text(_ s: Int, _ e: Int) -> String { String(decoding: b[s..<e], as: UTF8.self) }

    /// Level of a long bracket opening at `j` (`[[` = 0, `[==[` = 2), or nil.
    func longBracket(at j: Int) -> Int? {
        guard j < b.count, b[j] == UInt8(ascii: "[") else { return nil }
        var k = j + 1, level = 0
        while k < b.count, b[k] == UInt8(ascii: "=") { level += 1; k += 1 }
        return k < b.count && b[k] == UInt8(ascii: "[") ? level : nil
    }

    /// End of a long bracket body starting at `j` with `level`.
    func skipLong(from j: Int, level: Int) -> Int {
        var k = j + level + 2
        while k < b.count {
            if b[k] == UInt8(ascii: "]") {
                var m = k + 1, l = 0
                while m < b.count, b[m] == UInt8(ascii: "=") { l += 1; m += 1 }
                if l == level, m < b.count, b[m] == UInt8(ascii: "]") { return m + 1 }
            }
            k += 1
        }
        return b.count
    }

    /// A `--` comment: a long bracket, or to the end of the line.
    func endOfComment(from i: Int) -> Int {
        if let level = longBracket(at: i + 2) { return skipLong(from: i + 2, level: level) }
        var k = i
        while k < b.count, b[k] != 10 { k += 1 }
        return k
    }

    /// A quoted string; an unterminated one ends at the line's end.
    func endOfQuoted(from i: Int) -> Int {
        let quote = b[i]
        var k = i + 1
        while k < b.count, b[k] != quote, b[k] != 10 {
            k += b[k] == UInt8(ascii: "\\") ? 2 : 1
        }
        return min(k + 1, b.count)
    }

    func endOfName(from i: Int) -> Int {
        var k = i + 1
        while k < b.count, Self.isNameStart(b[k]) || Self.isDigit(b[k]) { k += 1 }
        return k
    }

    func endOfNumber(from i: Int) -> Int {
        var k = i + 1
        while k < b.count {
            let d = b[k]
            if Self.isNameStart(d) || Self.isDigit(d) || d == UInt8(ascii: ".") { k += 1; continue }
            // Exponent signs: 1e-5, 0x1p+4.
            if (d == UInt8(ascii: "-") || d == UInt8(ascii: "+")),
               [UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "p"), UInt8(ascii: "P")].contains(b[k - 1]) { k += 1; continue }
            break
        }
        return k
    }
}
