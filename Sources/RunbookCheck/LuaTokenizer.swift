/// Splits Lua 5.4 source into tokens with their line and column.
///
/// Only what `zdsh check` needs to see references and literal values: the
/// system Lua parser decides whether the file is valid (a file it refuses is
/// not scanned), so this tokenizer never has to report malformed input — it
/// stops quietly at anything it does not understand.
package struct LuaTokenizer {
    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private var lineStart = 0

    static let keywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]
    private static let threeByte = ["..."]
    private static let twoByte = ["==", "~=", "<=", ">=", "//", "::", "<<", ">>", ".."]

    package init(_ bytes: [UInt8]) { self.bytes = bytes }

    package static func tokens(_ bytes: [UInt8]) -> [SourceToken] {
        var t = LuaTokenizer(bytes)
        var out: [SourceToken] = []
        while let token = t.next() { out.append(token) }
        out.append(SourceToken(kind: .eof, text: "", line: t.line, column: t.i - t.lineStart + 1))
        return out
    }

    private func peek(_ offset: Int = 0) -> UInt8? { i + offset < bytes.count ? bytes[i + offset] : nil }

    private mutating func advance() {
        if bytes[i] == 10 { line += 1; lineStart = i + 1 }
        i += 1
    }

    /// The next token, or nil at the end (or at input it cannot read).
    mutating func next() -> SourceToken? {
        skipSpaceAndComments()
        guard let c = peek() else { return nil }
        let (startLine, startColumn) = (line, i - lineStart + 1)
        func token(_ kind: SourceToken.Kind, _ text: String) -> SourceToken {
            SourceToken(kind: kind, text: text, line: startLine, column: startColumn)
        }
        if Self.isNameStart(c) {
            let start = i
            while let d = peek(), Self.isNameStart(d) || Self.isDigit(d) { advance() }
            let word = String(decoding: bytes[start..<i], as: UTF8.self)
            return token(Self.keywords.contains(word) ? .keyword : .name, word)
        }
        if Self.isDigit(c) || (c == 46 && peek(1).map(Self.isDigit) == true) { return token(.number, readNumber()) }
        if c == 34 || c == 39 { return readShortString(quote: c).map { token(.string, $0) } }
        if c == 91, let level = longBracketLevel() { return readLong(level: level).map { token(.string, $0) } }
        for s in Self.threeByte + Self.twoByte where matches(s) {
            for _ in 0..<s.utf8.count { advance() }
            return token(.symbol, s)
        }
        advance()
        return token(.symbol, String(UnicodeScalar(c)))
    }

    private func matches(_ s: String) -> Bool {
        for (n, b) in s.utf8.enumerated() where peek(n) != b { return false }
        return true
    }

    private mutating func skipSpaceAndComments() {
        while let c = peek() {
            if c == 32 || c == 9 || c == 10 || c == 13 || c == 11 || c == 12 { advance(); continue }
            if c == 35, i == 0 { while let d = peek(), d != 10 { advance() }; continue }  // #! line
            guard c == 45, peek(1) == 45 else { return }
            advance(); advance()
            if peek() == 91, let level = longBracketLevel() { _ = readLong(level: level); continue }
            while let d = peek(), d != 10 { advance() }
        }
    }

    /// At `[`: the level of a long bracket `[==[`, or nil when it is not one.
    private func longBracketLevel() -> Int? {
        var n = 1
        var level = 0
        while peek(n) == 61 { level += 1; n += 1 }
        return peek(n) == 91 ? level : nil
    }

    private mutating func readLong(level: Int) -> String? {
        for _ in 0..<(level + 2) { advance() }
        if peek() == 13 { advance() }
        if peek() == 10 { advance() }
        let start = i
        while let c = peek() {
            if c == 93 {
                var n = 1
                while peek(n) == 61 { n += 1 }
                if n - 1 == level, peek(n) == 93 {
                    let text = String(decoding: bytes[start..<i], as: UTF8.self)
                    for _ in 0...(level + 1) { advance() }
                    return text
                }
            }
            advance()
        }
        return nil
    }

    private mutating func readShortString(quote: UInt8) -> String? {
        advance()
        var out: [UInt8] = []
        while let c = peek() {
            if c == quote { advance(); return String(decoding: out, as: UTF8.self) }
            if c == 10 { return nil }
            if c == 92, let e = peek(1) {
                advance(); advance()
                switch e {
                case 110: out.append(10)
                case 116: out.append(9)
                case 114: out.append(13)
                case 10: out.append(10)
                case 122: while let d = peek(), d == 32 || d == 10 || d == 9 || d == 13 { advance() }
                default: out.append(e)
                }
                continue
            }
            out.append(c)
            advance()
        }
        return nil
    }

    private mutating func readNumber() -> String {
        let start = i
        let hex = peek() == 48 && (peek(1) == 120 || peek(1) == 88)
        if hex { advance(); advance() }
        while let c = peek() {
            let exponent = hex ? (c == 112 || c == 80) : (c == 101 || c == 69)
            if exponent, let s = peek(1), s == 43 || s == 45 { advance(); advance(); continue }
            guard Self.isDigit(c) || c == 46 || Self.isNameStart(c) else { break }
            advance()
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    static func isNameStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
}
