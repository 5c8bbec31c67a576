/// What `zdsh check` sees in a runbook or scenario file without running it:
/// the `desk`/`helpcenter` names it uses (through local aliases too), the
/// calls with their arguments as far as they are literal, its `runbook{…}`
/// declaration and the parameters `main` reads.
package struct RunbookScan: Sendable {
    /// One use of a name under `desk` or `helpcenter`: `desk.tickets.list`.
    package struct Reference: Sendable {
        package struct Segment: Sendable {
            package let name: String
            package let token: SourceToken
        }
        package let segments: [Segment]
        /// How many leading segments came from a local alias (checked where the alias was made).
        package let fromAlias: Int
        /// The call's arguments when the name is called right here.
        package let arguments: [(value: StaticValue, token: SourceToken)]?
        /// Indexed by a value only known at run time (`desk.api[id]`).
        package let dynamicIndex: Bool

        package var path: [String] { segments.map(\.name) }
        package var token: SourceToken { segments[fromAlias > 0 ? fromAlias - 1 : 0].token }
    }

    package var references: [Reference] = []
    /// The `runbook{…}` table and the `runbook` token.
    package var declaration: (token: SourceToken, spec: StaticTable)?
    /// The name main gives its parameter table (`main = function(p)`).
    package var parameterTable: String?
    /// `p.name` reads, with where.
    package var parameterUses: [(name: String, token: SourceToken)] = []
    /// The parameter table is passed on or indexed by a computed key, so
    /// which parameters are read cannot be known.
    package var parametersEscape = false
    /// Scenario files: `runbook.run(path, params, options)` calls, arguments as written.
    package var runbookRuns: [(token: SourceToken, arguments: [(value: StaticValue, token: SourceToken)])] = []
    /// `local NAME = "text"`: string constants, so `runbook.run(RUNBOOK, …)` names its file.
    package var constants: [String: String] = [:]
}

extension RunbookScan {
    /// Scans a file's tokens (a file the Lua parser accepted).
    package init(tokens: [SourceToken]) {
        self.init()
        let x = StaticExpressions(tokens)
        var aliases: [String: [String]] = [:]
        var k = 0
        while k < tokens.count {
            let t = tokens[k]
            let previous = k > 0 ? tokens[k - 1] : nil
            let isMember = previous.map { $0.isSymbol(".") || $0.isSymbol(":") || $0.isKeyword("local") || $0.isKeyword("function") } ?? false
            if t.isKeyword("local"), x.token(k + 1).kind == .name, x.token(k + 2).isSymbol("="),
               x.token(k + 3).kind == .string, !x.token(k + 4).isSymbol(".."), !x.token(k + 4).isSymbol(",") {
                constants[x.token(k + 1).text] = x.token(k + 3).text
            }
            if t.kind == .name, !isMember {
                if t.text == "runbook", declaration == nil, let spec = Self.declarationTable(x, after: k) {
                    declaration = (t, spec)
                }
                if t.text == "runbook", x.token(k + 1).isSymbol("."), x.token(k + 2).text == "run",
                   let arguments = x.arguments(at: k + 3) {
                    runbookRuns.append((t, arguments.values.map { (value: $0.0, token: $0.1) }))
                }
                if t.text == "desk" || t.text == "helpcenter" || aliases[t.text] != nil {
                    let reference = Self.reference(x, at: k, aliases: aliases)
                    references.append(reference)
                    if let name = Self.assignedName(x, chainStart: k), reference.arguments == nil, !reference.dynamicIndex {
                        aliases[name] = reference.path
                    }
                } else if t.text == "main", x.token(k + 1).isSymbol("="), x.token(k + 2).isKeyword("function"),
                          x.token(k + 3).isSymbol("("), x.token(k + 4).kind == .name, parameterTable == nil {
                    parameterTable = x.token(k + 4).text
                    k += 5
                    continue
                } else if t.text == parameterTable {
                    noteParameterUse(x, at: k)
                }
            }
            k += 1
        }
    }

    /// `runbook {…}` / `runbook({…})`: the table.
    private static func declarationTable(_ x: StaticExpressions, after k: Int) -> StaticTable? {
        if x.token(k + 1).isSymbol("{") { return x.constructor(at: k + 1).0 }
        if x.token(k + 1).isSymbol("("), x.token(k + 2).isSymbol("{") { return x.constructor(at: k + 2).0 }
        return nil
    }

    /// The name a chain is assigned to, when it is the whole right-hand side
    /// of `local name = chain` or `name = chain`.
    private static func assignedName(_ x: StaticExpressions, chainStart k: Int) -> String? {
        guard k >= 2, x.token(k - 1).isSymbol("="), x.token(k - 2).kind == .name else { return nil }
        if k >= 3, x.token(k - 3).isSymbol(".") || x.token(k - 3).isSymbol(",") { return nil }
        var end = k + 1
        while x.token(end).isSymbol("."), x.token(end + 1).kind == .name { end += 2 }
        let next = x.token(end)
        let ends = next.kind == .eof || next.kind == .name || next.isSymbol(";")
            || (next.kind == .keyword && next.text != "and" && next.text != "or")
        return ends ? x.token(k - 2).text : nil
    }

    /// The chain of names starting at `k`, aliases expanded, with the call's arguments.
    private static func reference(_ x: StaticExpressions, at k: Int, aliases: [String: [String]]) -> Reference {
        let first = x.token(k)
        var segments: [Reference.Segment] = []
        var fromAlias = 0
        if let expanded = aliases[first.text] {
            segments = expanded.map { .init(name: $0, token: first) }
            fromAlias = expanded.count
        } else {
            segments = [.init(name: first.text, token: first)]
        }
        var n = k + 1
        var dynamic = false
        while true {
            if x.token(n).isSymbol("."), x.token(n + 1).kind == .name {
                segments.append(.init(name: x.token(n + 1).text, token: x.token(n + 1))); n += 2
            } else if x.token(n).isSymbol("["), x.token(n + 1).kind == .string, x.token(n + 2).isSymbol("]") {
                segments.append(.init(name: x.token(n + 1).text, token: x.token(n + 1))); n += 3
            } else {
                dynamic = x.token(n).isSymbol("[")
                break
            }
        }
        let arguments = dynamic ? nil : x.arguments(at: n)?.values.map { (value: $0.0, token: $0.1) }
        return Reference(segments: segments, fromAlias: fromAlias, arguments: arguments, dynamicIndex: dynamic)
    }

    private mutating func noteParameterUse(_ x: StaticExpressions, at k: Int) {
        if x.token(k + 1).isSymbol("."), x.token(k + 2).kind == .name {
            parameterUses.append((x.token(k + 2).text, x.token(k + 2)))
        } else if x.token(k + 1).isSymbol("["), x.token(k + 2).kind == .string, x.token(k + 3).isSymbol("]") {
            parameterUses.append((x.token(k + 2).text, x.token(k + 2)))
        } else if !x.token(k + 1).isSymbol("=") {
            parametersEscape = true
        }
    }
}
