/// One token of Lua source (the REPL has its own, lighter LuaToken) with where it starts (1-based line and column,
/// columns counted in bytes as compilers do), for `zdsh check`'s scanner.
package struct SourceToken: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        case name, keyword, string, number, symbol, eof
    }

    package let kind: Kind
    /// The text: a name, keyword or symbol as written; a string's decoded
    /// contents (escapes other than the common ones kept as written); a number as written.
    package let text: String
    package let line: Int
    package let column: Int

    package func isSymbol(_ s: String) -> Bool { kind == .symbol && text == s }
    package func isKeyword(_ s: String) -> Bool { kind == .keyword && text == s }
}
