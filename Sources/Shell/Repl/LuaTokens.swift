/// A small Lua lexer, just enough for the REPL to see statement structure:
/// names and keywords with their byte ranges, skipping strings, long
/// brackets, comments and numbers. It never fails: unterminated strings or
/// comments simply run to the end (Lua's own compiler reports those).
struct LuaToken: Equatable {
    enum Kind: Equatable { case name, symbol, literal }
    let kind: Kind
    let text: String
    /// Byte offsets into the source's UTF-8.
    let start: Int
    let end: Int
}

enum LuaLexer {
    static func tokens(_ source: String) -> [LuaToken] { tokens(Array(source.utf8)) }

    static func tokens(_ b: [UInt8]) -> [LuaToken] {
        var out: [LuaToken] = []
        var i = 0
        func isNameStart(_ c: UInt8) -> Bool { c == 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 128 }
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        /// Level of a long bracket opening at `j` (`[[` = 0, `[==[` = 2), or nil.
        func longBracket(at j: Int) -> Int? {
            guard j < b.count, b[j] == UInt8(ascii: "[") else { return nil }
            var k = j + 1, level = 0
            while k < b.count, b[k] == UInt8(ascii: "=") { level += 1; k += 1 }
            return k < b.count && b[k] == UInt8(ascii: "[") ? level : nil
        }
        /// End (exclusive) of a long bracket body starting at `j` with `level`.
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
        func text(_ s: Int, _ e: Int) -> String { String(decoding: b[s..<e], as: UTF8.self) }

        while i < b.count {
            let c = b[i]
            if c == 32 || c == 9 || c == 10 || c == 13 || c == 11 || c == 12 { i += 1; continue }
            if c == UInt8(ascii: "-"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "-") {
                if let level = longBracket(at: i + 2) {
                    i = skipLong(from: i + 2, level: level)
                } else {
                    while i < b.count, b[i] != 10 { i += 1 }
                }
                continue
            }
            if let level = longBracket(at: i) {
                let e = skipLong(from: i, level: level)
                out.append(LuaToken(kind: .literal, text: "", start: i, end: e)); i = e; continue
            }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                var k = i + 1
                while k < b.count, b[k] != c, b[k] != 10 {
                    k += b[k] == UInt8(ascii: "\\") ? 2 : 1
                }
                let e = min(k + 1, b.count)
                out.append(LuaToken(kind: .literal, text: "", start: i, end: e)); i = e; continue
            }
            if isNameStart(c) {
                var k = i + 1
                while k < b.count, isNameStart(b[k]) || isDigit(b[k]) { k += 1 }
                out.append(LuaToken(kind: .name, text: text(i, k), start: i, end: k)); i = k; continue
            }
            if isDigit(c) || (c == UInt8(ascii: ".") && i + 1 < b.count && isDigit(b[i + 1])) {
                var k = i + 1
                while k < b.count {
                    let d = b[k]
                    if isNameStart(d) || isDigit(d) || d == UInt8(ascii: ".") { k += 1; continue }
                    // Exponent signs: 1e-5, 0x1p+4.
                    if (d == UInt8(ascii: "-") || d == UInt8(ascii: "+")),
                       [UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "p"), UInt8(ascii: "P")].contains(b[k - 1]) { k += 1; continue }
                    break
                }
                out.append(LuaToken(kind: .literal, text: "", start: i, end: k)); i = k; continue
            }
            // Multi-character symbols matter only for `::`, `..`, `==`, `<=`… not
            // being mistaken for attribute brackets; one-character tokens suffice
            // except for `<`/`>` which we keep single (attributes are `<name>`).
            out.append(LuaToken(kind: .symbol, text: text(i, i + 1), start: i, end: i + 1))
            i += 1
        }
        return out
    }
}
