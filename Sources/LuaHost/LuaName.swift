/// Lua's rules for names (identifiers), as the reference manual §3.1 gives
/// them: what may be written `t.name` rather than `t["name"]`. Printing a
/// table, completing a field and finding top-level locals all ask the same
/// question, so they share this one answer.
public enum LuaName {
    /// Lua 5.4's reserved words: never a name, even where one is expected.
    public static let keywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]

    /// Whether `s` is a Lua name: ASCII letters, digits and underscores, not
    /// starting with a digit, and not a reserved word.
    public static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
            && !keywords.contains(s)
    }
}
