import DeskCatalog
import LuaHost

/// Tab completion, computed in Swift: binding namespaces and verbs from
/// FriendlyNames, `desk.api.*` from the catalog, the sandbox's standard
/// libraries from a fixed list, and the user's own globals from a raw,
/// metamethod-free walk (`ReplLibrary.names`). Nothing here calls the API
/// or runs user code.
package struct Completer {
    /// Raw listing of the table at a path of global keys: (name, Lua type).
    var globals: ([String]) -> [(name: String, type: String)]
    /// Names declared by top-level `local`s in this session.
    var sessionNames: () -> [String] = { [] }

    static let commands = [":help", ":allow", ":deny", ":policy", ":dry-run", ":plan", ":profile", ":calls", ":quit"]

    /// Members of the locked standard tables (a raw walk sees only proxies).
    static let standard: [String: [String]] = [
        "string": ["byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match", "pack", "packsize",
                   "rep", "reverse", "sub", "unpack", "upper"],
        "table": ["concat", "insert", "move", "pack", "remove", "sort", "unpack"],
        "math": ["abs", "acos", "asin", "atan", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge", "log", "max",
                 "maxinteger", "min", "mininteger", "modf", "pi", "rad", "random", "randomseed", "sin", "sqrt", "tan",
                 "tointeger", "type", "ult"],
        "utf8": ["char", "charpattern", "codepoint", "codes", "len", "offset"],
        "os": ["clock", "date", "difftime", "time"],
        "coroutine": ["close", "create", "isyieldable", "resume", "running", "status", "wrap", "yield"],
        "json": ["array", "decode", "encode", "null"],
    ]

    /// Names under `desk.` besides the resource namespaces.
    static let deskExtras = ["api", "request", "each", "parallel", "null", "array", "unchecked", "calls"]

    /// Completions for `word` (the text being completed), given the line so far.
    func complete(word: String, line: String) -> [String] {
        let trimmed = line.drop { $0 == " " }
        if trimmed.hasPrefix(":") {
            let parts = trimmed.split(separator: " ", omittingEmptySubsequences: false)
            if parts.count <= 1 { return Self.commands.filter { $0.hasPrefix(word) } }
            switch parts[0] {
            case ":help", ":allow", ":deny": return bindingNames(prefix: word)
            case ":dry-run": return ["on", "off"].filter { $0.hasPrefix(word) }
            default: return []
            }
        }
        // Split "a.b.c:pre" into the path [a, b, c] and the prefix "pre".
        guard let cut = word.lastIndex(where: { $0 == "." || $0 == ":" }) else {
            var names = Set(globals([]).map(\.name)).union(sessionNames()).union(TopLevelLocals.keywords)
            names = names.filter { !$0.hasPrefix(ReplLibrary.global) }
            return names.filter { $0.hasPrefix(word) }.sorted()
        }
        let base = String(word[..<cut])
        let separator = word[cut]
        let prefix = String(word[word.index(after: cut)...])
        let path = base.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard path.allSatisfy({ LuaName.isIdentifier($0) }) else { return [] }
        return members(of: path).filter { $0.hasPrefix(prefix) }.sorted().map { base + String(separator) + $0 }
    }

    func members(of path: [String]) -> Set<String> {
        if path.first == "desk" || path.first == "helpcenter" {
            let dotted = path.joined(separator: ".")
            if dotted == "desk.api" { return Set(Catalog.shared.operations.map(\.id)) }
            var out = Set<String>()
            if dotted == "desk" { out.formUnion(Self.deskExtras) }
            let stem = dotted + "."
            for b in FriendlyNames.all where b.name.hasPrefix(stem) {
                let rest = b.name.dropFirst(stem.count)
                let next = rest.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
                guard !next.isEmpty else { continue }
                out.insert(next)
                // list verbs come with each/all streams (DeskLibrary).
                if !rest.contains("."), next.hasPrefix("list") {
                    let suffix = next.dropFirst(4)
                    out.insert("each" + suffix); out.insert("all" + suffix)
                }
            }
            // Aliases of the earlier client are single names under desk.
            if dotted == "desk" {
                for b in FriendlyNames.all where b.isAlias && !b.name.contains(".") { out.insert(b.name) }
            }
            return out
        }
        if path.count == 1, let std = Self.standard[path[0]] { return Set(std) }
        return Set(globals(path).map(\.name).filter { LuaName.isIdentifier($0) })
    }

    func bindingNames(prefix: String) -> [String] {
        var names = FriendlyNames.all.map(\.name).filter { $0.hasPrefix(prefix) }
        if prefix.hasPrefix("desk.api.") || "desk.api.".hasPrefix(prefix) && prefix.count > 5 {
            names += Catalog.shared.operations.map { "desk.api." + $0.id }.filter { $0.hasPrefix(prefix) }
        }
        return names.sorted()
    }
}
