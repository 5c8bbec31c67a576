/// Zoho's search matching: `str*` matches a prefix, `*str` a suffix, `*str*`
/// anything containing it, and a value without stars the whole value; always
/// ignoring case. `contains` is the looser match of free-text search
/// (`_all`, `searchBy`, `searchVal`): the text anywhere.
struct TextPattern: Sendable, Hashable {
    enum Kind: Sendable, Hashable { case exact, prefix, suffix, contains }
    let kind: Kind
    let needle: String

    init(_ raw: String, freeText: Bool = false) {
        let leading = raw.hasPrefix("*"), trailing = raw.hasSuffix("*") && raw.count > 1
        var core = Substring(raw)
        if leading { core = core.dropFirst() }
        if trailing { core = core.dropLast() }
        needle = core.lowercased()
        switch (leading, trailing) {
        case (true, true): kind = .contains
        case (true, false): kind = .suffix
        case (false, true): kind = .prefix
        case (false, false): kind = freeText ? .contains : .exact
        }
    }

    func matches(_ text: String) -> Bool {
        let hay = text.lowercased()
        switch kind {
        case .exact: return hay == needle
        case .prefix: return hay.hasPrefix(needle)
        case .suffix: return hay.hasSuffix(needle)
        case .contains: return needle.isEmpty || hay.contains(needle)
        }
    }
}
