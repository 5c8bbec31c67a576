import DeskCatalog
import DeskGate
import Foundation
import JSONValue
import LuaHost

/// One statically visible call of an operation, checked with the gate's own
/// argument binder: what `zdsh check` learns from it.
struct StaticCall {
    /// The operation reached (nil: a raw request outside the catalog, or not known).
    var operation: DeskCatalog.Operation?
    /// The name used, as the gate names it.
    var calledAs: String
    var token: SourceToken
    /// What the call does: by its literal arguments where they are all
    /// known, else by the operation's own class.
    var effect: CallClassification?
    /// The argument error the gate would raise, when the literal arguments show it.
    var argumentError: (message: String, token: SourceToken)?

    private static func baseEffect(_ op: DeskCatalog.Operation) -> CallClassification {
        CallClassification(safety: op.safety, rule: nil, unbounded: op.unbounded, notifies: op.notifies)
    }

    /// A friendly binding (or its `each…`/`all…` helper), called or only referenced.
    static func binding(_ b: FriendlyNames.Binding, calledAs: String, arguments: [(value: StaticValue, token: SourceToken)]?,
                        token: SourceToken) -> StaticCall? {
        guard let op = Catalog.shared.operation(id: b.operationId) else { return nil }
        var call = StaticCall(operation: op, calledAs: calledAs, token: token, effect: baseEffect(op))
        if let message = b.alias?.unsupported {
            call.argumentError = ("\(b.name): \(message)", token)
            return call
        }
        guard let arguments else { return call }
        if let last = arguments.last, case .unknown(true) = last.value { return call }
        var s = StaticArguments()
        var values: [JSON] = []
        for (n, a) in arguments.enumerated() {
            s.positionTokens[n + 1] = a.token
            let isOptions = n == b.positional.count
            if isOptions, case .table(let t) = a.value {
                let wire = { (key: String) in b.wireName(forOption: key) }
                guard var options = s.json(t, topLevel: true, schemaOf: { schema(wire($0), op) }) else { return call }
                for (key, token) in s.fieldTokens { s.fieldTokens[wire(key)] = token }
                for key in s.standIns { s.standIns.insert(wire(key)) }
                if case .object(var o) = options, o["partial"] != nil { o["partial"] = nil; options = .object(o) }
                values.append(options)
            } else if let v = StaticArguments.known(a.value) {
                values.append(v)
            } else if n < b.positional.count {
                values.append(StaticArguments.standIn(for: schema(b.positional[n], op)))
                s.standInPositions.insert(n + 1)
                s.standIns.insert(b.positional[n])
            } else {
                return call  // an options table only known at run time
            }
        }
        call.check(s) { try ArgumentBinder.bind(binding: b, operation: op, arguments: values) }
        return call
    }

    /// `desk.api.<id>{…}`.
    static func api(_ op: DeskCatalog.Operation, arguments: [(value: StaticValue, token: SourceToken)]?, token: SourceToken) -> StaticCall {
        var call = StaticCall(operation: op, calledAs: "desk.api.\(op.id)", token: token, effect: baseEffect(op))
        guard let arguments else { return call }
        var s = StaticArguments()
        var table: JSON = .null
        if let first = arguments.first {
            s.positionTokens[1] = first.token
            switch first.value {
            case .table(let t):
                guard var j = s.json(t, topLevel: true, schemaOf: { schema($0, op) }) else { return call }
                if case .object(var o) = j, o["partial"] != nil { o["partial"] = nil; j = .object(o) }
                table = j
            case .literal(let j): table = j
            case .unknown: return call
            }
        }
        call.check(s) { try ArgumentBinder.bind(operation: op, table: table) }
        return call
    }

    /// `desk.request(method, path, {query=…, body=…})` with a literal method and path.
    static func request(arguments: [(value: StaticValue, token: SourceToken)]?, token: SourceToken) -> StaticCall? {
        guard let arguments, arguments.count >= 2, let method = arguments[0].value.stringValue?.uppercased(),
              let rawPath = arguments[1].value.stringValue else { return nil }
        var call = StaticCall(operation: nil, calledAs: "desk.request \(method) \(rawPath)", token: token)
        let bare = String(rawPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        let trimmed = bare.count > 1 && bare.hasSuffix("/") ? String(bare.dropLast()) : bare
        guard let match = Catalog.shared.match(method: method, path: trimmed) else {
            call.effect = CallClassification(safety: method == "GET" ? .read : .destructive, rule: nil, unbounded: false)
            return call
        }
        call.operation = match.operation
        call.effect = baseEffect(match.operation)
        var query: [String: String] = [:]
        if rawPath.contains("?"), let items = URLComponents(string: rawPath)?.queryItems {
            for item in items { query[item.name] = item.value ?? "" }
        }
        var body: JSON?
        if arguments.count >= 3 {
            guard case .table(let options) = arguments[2].value, let known = StaticArguments.known(.table(options)) else { return call }
            if case .object(let q)? = known["query"] { for (k, v) in q { query[k] = ArgumentBinder.scalarString(v) ?? v.encoded() } }
            body = known["body"]
        }
        call.check(StaticArguments()) {
            try ArgumentBinder.bind(operation: match.operation, calledAs: "desk.request", path: match.pathParameters, query: query, body: body)
        }
        return call
    }

    /// Runs the binder; keeps its error unless it is about a stand-in, and
    /// the effect of a call whose arguments were all literal.
    private mutating func check(_ s: StaticArguments, _ bind: () throws -> [PreparedCall]) {
        do {
            // The effect by the literal arguments only: a stand-in must not trigger (or rule out) a rule.
            if let first = try bind().first {
                let query = first.query.filter { !s.standIns.contains($0.key) }
                var body = first.body
                if case .object(let fields)? = body { body = .object(fields.filter { !s.standIns.contains($0.key) }) }
                effect = first.operation.classify(query: query, body: body)
            }
        } catch let e as ArgumentError {
            if !s.excuses(e) { argumentError = (e.description, s.token(for: e, call: token)) }
        } catch {
            argumentError = ("\(error)", token)
        }
    }

    static func schema(_ wire: String, _ op: DeskCatalog.Operation) -> Schema? {
        op.parameters.first { $0.name == wire }?.schema ?? op.body?.schema.properties?[wire]
    }
}
