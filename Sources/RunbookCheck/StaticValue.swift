import JSONValue

/// A Lua expression as far as `zdsh check` can know it without running it:
/// a literal, a table constructor (whose fields may be partly known), or
/// something only known at run time.
package indirect enum StaticValue: Sendable {
    case literal(JSON)
    case table(StaticTable)
    /// Known only at run time. `multiple`: a call or `...`, which as the last
    /// argument may stand for any number of values.
    case unknown(multiple: Bool)

    package var isKnown: Bool {
        switch self {
        case .literal: return true
        case .table(let t): return t.fields.allSatisfy(\.value.isKnown)
        case .unknown: return false
        }
    }

    package var stringValue: String? {
        if case .literal(.string(let s)) = self { return s }
        return nil
    }

    package var table: StaticTable? {
        if case .table(let t) = self { return t }
        return nil
    }
}

/// A table constructor: its fields in source order with where each starts.
package struct StaticTable: Sendable {
    package enum Key: Sendable, Equatable {
        case name(String)
        /// A positional item (1-based), or a `[expr] = …` key that is not a literal.
        case position(Int)
        case dynamic
    }

    package struct Field: Sendable {
        package let key: Key
        package let value: StaticValue
        /// The field's first token (its key, or its value when positional).
        package let token: SourceToken
    }

    package var fields: [Field] = []
    /// The `{` token.
    package let token: SourceToken

    package subscript(name: String) -> Field? {
        fields.first { $0.key == .name(name) }
    }

    package var positional: [Field] {
        fields.filter { if case .position = $0.key { return true } else { return false } }
    }
}
