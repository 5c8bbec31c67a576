import JSONValue

/// Reads expressions out of a token list as `StaticValue`s: literals and
/// table constructors are read, anything else is skipped to its end (the
/// next `,`, `;` or closing bracket at its own depth) and becomes unknown.
package struct StaticExpressions {
    package let tokens: [SourceToken]

    package init(_ tokens: [SourceToken]) { self.tokens = tokens }

    private static let openers: Set<String> = ["(", "{", "["]
    private static let closers: Set<String> = [")", "}", "]"]
    private static let blockOpeners: Set<String> = ["function", "if", "do", "repeat"]
    private static let blockClosers: Set<String> = ["end", "until"]

    package func token(_ k: Int) -> SourceToken { k < tokens.count ? tokens[k] : tokens[tokens.count - 1] }

    /// Whether the token ends an expression in a list (`,`, `;`, a closer, the end).
    func endsExpression(_ k: Int) -> Bool {
        let t = token(k)
        return t.kind == .eof || (t.kind == .symbol && (t.text == "," || t.text == ";" || Self.closers.contains(t.text)))
    }

    /// Skips one expression; returns the index after it and whether it may
    /// stand for several values (it ends in a call or is `...`).
    package func skip(from start: Int) -> (next: Int, multiple: Bool) {
        var depth = 0
        var k = start
        var last: SourceToken?
        while true {
            let t = token(k)
            if t.kind == .eof { break }
            if depth == 0, endsExpression(k) { break }
            if t.kind == .symbol, Self.openers.contains(t.text) { depth += 1 }
            if t.kind == .symbol, Self.closers.contains(t.text) { depth -= 1 }
            if t.kind == .keyword, Self.blockOpeners.contains(t.text) { depth += 1 }
            if t.kind == .keyword, Self.blockClosers.contains(t.text) {
                depth -= 1
                // `until` is followed by its condition, part of the same block.
            }
            if depth < 0 { break }
            last = t
            k += 1
        }
        let multiple = last.map { $0.isSymbol(")") || $0.isSymbol("...") } ?? false
        return (k, multiple && k - start > 0)
    }

    /// One expression at `start`.
    package func value(at start: Int) -> (StaticValue, next: Int) {
        let t = token(start)
        var literal: StaticValue?
        var after = start + 1
        switch t.kind {
        case .string: literal = .literal(.string(t.text))
        case .number: literal = Self.number(t.text).map(StaticValue.literal)
        case .keyword where t.text == "true": literal = .literal(.bool(true))
        case .keyword where t.text == "false": literal = .literal(.bool(false))
        case .keyword where t.text == "nil": literal = .literal(.null)
        case .symbol where t.text == "-" && token(start + 1).kind == .number:
            if let n = Self.number(token(start + 1).text) { literal = .literal(Self.negated(n)); after = start + 2 }
        case .symbol where t.text == "{":
            let (table, next) = constructor(at: start)
            literal = .table(table); after = next
        default: break
        }
        if let literal, endsExpression(after) { return (literal, after) }
        let (next, multiple) = skip(from: start)
        return (.unknown(multiple: multiple), next)
    }

    /// A table constructor whose `{` is at `start`; returns the index after its `}`.
    package func constructor(at start: Int) -> (StaticTable, next: Int) {
        var table = StaticTable(token: token(start))
        var k = start + 1
        var position = 0
        while !token(k).isSymbol("}") && token(k).kind != .eof {
            let first = token(k)
            var key: StaticTable.Key
            if first.isSymbol("[") {
                let (keyValue, afterKey) = value(at: k + 1)
                switch keyValue {
                case .literal(.string(let s)): key = .name(s)
                case .literal(.int(let i)): key = .position(Int(i))
                default: key = .dynamic
                }
                k = afterKey + 2  // `]` `=`
            } else if first.kind == .name, token(k + 1).isSymbol("=") {
                key = .name(first.text)
                k += 2
            } else {
                position += 1
                key = .position(position)
            }
            let (v, next) = value(at: k)
            table.fields.append(.init(key: key, value: v, token: first))
            k = next
            if token(k).isSymbol(",") || token(k).isSymbol(";") { k += 1 } else if !token(k).isSymbol("}") { break }
        }
        return (table, k + 1)
    }

    /// A call's arguments at `start` (`(…)`, a table or a string): each with its first token.
    package func arguments(at start: Int) -> (values: [(StaticValue, SourceToken)], next: Int)? {
        let t = token(start)
        if t.kind == .string { return ([(.literal(.string(t.text)), t)], start + 1) }
        if t.isSymbol("{") {
            let (table, next) = constructor(at: start)
            return ([(.table(table), t)], next)
        }
        guard t.isSymbol("(") else { return nil }
        var out: [(StaticValue, SourceToken)] = []
        var k = start + 1
        while !token(k).isSymbol(")") && token(k).kind != .eof {
            let first = token(k)
            let (v, next) = value(at: k)
            out.append((v, first))
            k = next
            if token(k).isSymbol(",") { k += 1 } else { break }
        }
        return (out, k + 1)
    }

    static func number(_ text: String) -> JSON? {
        if let i = Int64(text) { return .int(i) }
        if text.lowercased().hasPrefix("0x"), let i = Int64(text.dropFirst(2), radix: 16) { return .int(i) }
        if let d = Double(text) { return .double(d) }
        return nil
    }

    static func negated(_ n: JSON) -> JSON {
        switch n {
        case .int(let i): return .int(-i)
        case .double(let d): return .double(-d)
        default: return n
        }
    }
}
