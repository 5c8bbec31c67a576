import LuaHost
/// Makes top-level `local` declarations of a REPL input persist.
///
/// Each input is compiled as its own chunk, so in plain Lua `local x = 1`
/// would be gone by the next prompt. Like most Lua REPLs, zdsh rewrites
/// `local` declarations that sit at the top level of an input (not inside a
/// function, loop or block) into global assignments:
///
///     local x, y = 1, 2      →  x, y = 1, 2
///     local t                →  t = nil
///     local function f() end →  function f() end
///     local k <const> = 3    →  k = 3        (attributes are dropped)
///
/// Locals inside functions and blocks keep their meaning. The names declared
/// are reported so completion can offer them.
package enum TopLevelLocals {
    struct Result: Equatable {
        /// The rewritten input, bytes as typed apart from the edits.
        let bytes: [UInt8]
        let declared: [String]

        var source: String { String(decoding: bytes, as: UTF8.self) }
    }

    static func rewrite(_ source: String) -> Result { rewrite(Array(source.utf8)) }

    /// Replace the bytes `start..<end` with `text`.
    typealias Edit = (start: Int, end: Int, text: String)

    static func rewrite(_ source: [UInt8]) -> Result {
        let toks = LuaLexer.tokens(source)
        var edits: [Edit] = []
        var declared: [String] = []
        var depth = 0
        // Depths at which a `while`/`for` header waits for its `do`.
        var loopHeaders: [Int] = []
        var i = 0
        while i < toks.count {
            let t = toks[i]
            guard t.kind == .name else { i += 1; continue }
            // `a.end` or `a:do` cannot occur (keywords are reserved), so a
            // keyword token is always a keyword.
            switch t.text {
            case "function", "if", "repeat":
                depth += 1
            case "while", "for":
                depth += 1
                loopHeaders.append(depth)
            case "do":
                if loopHeaders.last == depth { loopHeaders.removeLast() } else { depth += 1 }
            case "end", "until":
                depth = max(0, depth - 1)
            case "local" where depth == 0:
                if let local = rewriteLocal(toks, at: i) {
                    edits += local.edits
                    declared += local.declared
                    i = local.next
                    continue
                }
            default:
                break
            }
            i += 1
        }
        guard !edits.isEmpty else { return Result(bytes: source, declared: []) }
        var bytes = source
        for e in edits.sorted(by: { $0.start > $1.start }) {
            bytes.replaceSubrange(e.start..<e.end, with: Array(e.text.utf8))
        }
        return Result(bytes: bytes, declared: declared)
    }

    /// The edits that turn the top-level `local` at token `i` into global
    /// assignments, the names it declares, and the token to go on from; nil
    /// when it declares nothing.
    private static func rewriteLocal(_ toks: [LuaToken], at i: Int) -> (edits: [Edit], declared: [String], next: Int)? {
        func isName(_ j: Int) -> Bool { j < toks.count && toks[j].kind == .name && !keywords.contains(toks[j].text) }
        func isSymbol(_ j: Int, _ s: String) -> Bool { j < toks.count && toks[j].kind == .symbol && toks[j].text == s }
        let t = toks[i]
        if i + 1 < toks.count, toks[i + 1].kind == .name, toks[i + 1].text == "function" {
            // `local function f` → `function f`
            return ([(t.start, toks[i + 1].start, "")], isName(i + 2) ? [toks[i + 2].text] : [], i + 1)
        }
        // `local n1 [<attr>] {, n2 [<attr>]} [= …]`
        var edits: [Edit] = []
        var j = i + 1
        var names: [String] = []
        while isName(j) {
            names.append(toks[j].text)
            j += 1
            if isSymbol(j, "<"), isName(j + 1), isSymbol(j + 2, ">") {
                edits.append((toks[j - 1].end, toks[j + 2].end, ""))
                j += 3
            }
            if isSymbol(j, ",") { j += 1 } else { break }
        }
        guard !names.isEmpty else { return nil }
        edits.append((t.start, toks[i + 1].start, ""))
        if !isSymbol(j, "=") {
            let at = toks[j - 1].end
            edits.append((at, at, " = nil"))
        }
        return (edits, names, j)
    }

    static let keywords = LuaName.keywords
}
