import DeskCatalog
import DeskGate
import ShellCore

/// Fields read from a record a binding answered with — `local t =
/// desk.tickets.get(id)`, `for t in desk.tickets.each{…}`, `for _, a in
/// ipairs(desk.profiles.list_agents(p))` — checked against the response
/// schema, the same facts stdlib/types/desk.d.lua's record classes come from.
/// Only simple cases are followed: a variable given another value (or
/// declared again, or a function parameter of the same name) is forgotten.
enum RecordFields {
    struct Use {
        let variable: String
        let field: String
        let token: SourceToken
        let reference: RunbookScan.Reference
        /// The variable holds one item of a list (not the answer itself).
        let item: Bool
    }

    static func uses(tokens: [SourceToken], references: [RunbookScan.Reference]) -> [Use] {
        var byStart: [Int: RunbookScan.Reference] = [:]
        let starts = Dictionary(tokens.enumerated().map { ("\($0.element.line):\($0.element.column)", $0.offset) }) { a, _ in a }
        for r in references where r.arguments != nil {
            let first = r.segments[0].token
            if let k = starts["\(first.line):\(first.column)"] { byStart[k] = r }
        }
        let x = StaticExpressions(tokens)
        var live: [String: (reference: RunbookScan.Reference, item: Bool)] = [:]
        var out: [Use] = []
        for k in tokens.indices {
            let t = tokens[k]
            if t.isKeyword("function") { forgetParameters(x, after: k, in: &live) }
            guard t.kind == .name, k == 0 || !(x.token(k - 1).isSymbol(".") || x.token(k - 1).isSymbol(":")) else { continue }
            let previous = k > 0 ? x.token(k - 1) : t
            if x.token(k + 1).isSymbol("=") || previous.isKeyword("local") || previous.isKeyword("for") || previous.isSymbol(",") {
                live[t.text] = nil
            }
            if previous.isKeyword("local"), x.token(k + 1).isSymbol("="), let r = byStart[k + 2] {
                live[t.text] = (r, false)
            } else if previous.isKeyword("for"), x.token(k + 1).isKeyword("in"), let r = byStart[k + 2] {
                live[t.text] = (r, true)
            } else if previous.isSymbol(","), x.token(k + 1).isKeyword("in"), x.token(k + 2).text == "ipairs",
                      x.token(k + 3).isSymbol("("), let r = byStart[k + 4] {
                live[t.text] = (r, true)
            } else if let known = live[t.text], x.token(k + 1).isSymbol("."), x.token(k + 2).kind == .name,
                      !x.token(k + 3).isSymbol("=") {
                out.append(Use(variable: t.text, field: x.token(k + 2).text, token: x.token(k + 2),
                               reference: known.reference, item: known.item))
            }
        }
        return out
    }

    /// `function name(a, b)`: its parameters are new variables.
    private static func forgetParameters(_ x: StaticExpressions, after k: Int, in live: inout [String: (reference: RunbookScan.Reference, item: Bool)]) {
        var j = k + 1
        while j < k + 10, !x.token(j).isSymbol("("), x.token(j).kind != .eof { j += 1 }
        j += 1
        while !x.token(j).isSymbol(")"), x.token(j).kind != .eof {
            if x.token(j).kind == .name { live[x.token(j).text] = nil }
            j += 1
        }
    }

    /// The record schema a use reads, by the operation's answer and envelope.
    static func record(for use: Use) -> (schema: Schema, name: String)? {
        let name = use.reference.path.joined(separator: ".")
        let op: DeskCatalog.Operation
        switch BindingTree.shared.resolve(use.reference.path) {
        case .binding(let b, _):
            guard let o = Catalog.shared.operation(id: b.operationId) else { return nil }
            op = o
        case .operation(let o): op = o
        default: return nil
        }
        guard let status = op.successCodes.first, let answer = ResponseSchemas.shared.schema(op.id, status: status) else { return nil }
        switch (op.envelope, use.item) {
        case (.object, false): return (answer, name)
        case (.list(let key), true): return answer.properties?[key]?.items.map { ($0, name) }
        case (.bareArray, true): return answer.items.map { ($0, name) }
        default: return nil
        }
    }

    /// A warning for each field the record does not have.
    static func check(tokens: [SourceToken], references: [RunbookScan.Reference], into report: inout RunbookChecker.Report) {
        for use in uses(tokens: tokens, references: references) {
            guard let (schema, name) = record(for: use), let props = schema.properties, !props.isEmpty,
                  props[use.field] == nil, !SchemaValidator.isCustomField(use.field) else { continue }
            let hint = NameSuggestions(props.keys.sorted()).hint(for: use.field).map { "; \($0)" } ?? ""
            let what = use.item ? "the records \(name) lists" : "what \(name) answers"
            report.warning(at: use.token, "\(use.variable).\(use.field): no field '\(use.field)' in \(what)\(hint)")
        }
    }
}
