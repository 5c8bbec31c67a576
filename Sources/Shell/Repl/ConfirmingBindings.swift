import DeskCatalog
import Foundation
import JSONValue
import LuaHost

/// Asks before each destructive call the session has not allowed.
///
/// `CallGate.Settings.confirm` is asked once per gate (right for a runbook:
/// one "go ahead" for the whole run), but a REPL session lives for hours and
/// every destructive line deserves its own question. So the REPL re-installs
/// `desk` and `helpcenter` with the same library source and the same gate
/// entry points, putting this check in front: a destructive call that the
/// policy would refuse only for lack of a grant is shown to the user; on
/// "y" it goes through the gate under a grant for that one call name,
/// which is withdrawn as soon as the gate has made its decision. Explicit
/// denials (`--deny`, `:deny`) are never prompted for; dry-run plans the
/// call without asking; with no terminal (nil `ask`) the gate refuses as it
/// would for `eval`.
final class ConfirmingBindings {
    let gate: CallGate
    /// Shows the question and returns true for "yes". Nil: never ask.
    var ask: ((String) -> Bool)?

    init(gate: CallGate, ask: ((String) -> Bool)?) {
        self.gate = gate; self.ask = ask
    }

    func install(on host: LuaHost) throws {
        let gate = self.gate
        let functions: [String: HostFunction] = [
            "call": { [unowned self] call in
                let name = try call.string(1)
                var args: [JSON] = []
                if call.count > 1 {
                    for i in 2...call.count {
                        do { args.append(try LuaJSONArgument.read(call, i)) }
                        catch let e as LuaJSONArgument.Failure {
                            throw ArgumentError(function: name, position: Int(i) - 1, expected: e.reason)
                        }
                    }
                }
                let preview: () -> [PreparedCall]? = {
                    guard let b = FriendlyNames.binding(named: name), let op = Catalog.shared.operation(id: b.operationId) else { return nil }
                    return try? ArgumentBinder.bind(binding: b, operation: op, arguments: args)
                }
                let op = FriendlyNames.binding(named: name).flatMap { Catalog.shared.operation(id: $0.operationId) }
                return try self.guarded(op, calledAs: name, preview: preview) { try gate.callBinding(name, args) }
            },
            "call_api": { [unowned self] call in
                let id = try call.string(1)
                let table: JSON
                do { table = try LuaJSONArgument.read(call, 2) } catch let e as LuaJSONArgument.Failure {
                    throw ArgumentError(function: "desk.api.\(id)", position: 1, expected: e.reason)
                }
                let op = Catalog.shared.operation(id: id)
                let preview: () -> [PreparedCall]? = { op.flatMap { try? ArgumentBinder.bind(operation: $0, table: table) } }
                return try self.guarded(op, calledAs: "desk.api.\(id)", preview: preview) { try gate.callOperation(id, table) }
            },
            "request": { [unowned self] call in
                let method = try call.string(1), path = try call.string(2), options = try call.json(3)
                let bare = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
                if let match = Catalog.shared.match(method: method.uppercased(), path: bare) {
                    return try self.guarded(match.operation, calledAs: "desk.request", preview: { nil }, detail: "\(method.uppercased()) \(path)") {
                        try gate.request(method: method, path: path, options: options)
                    }
                }
                return try self.guardedRaw(method: method.uppercased(), path: path) {
                    try gate.request(method: method, path: path, options: options)
                }
            },
            "binding_info": { call in .value(try gate.bindingInfo(try call.string(1))) },
            "binding_names": { _ in .value(.array(FriendlyNames.all.map { .string($0.name) })) },
            "has_operation": { call in .value(.bool(Catalog.shared.operation(id: try call.string(1)) != nil)) },
            "calls_made": { _ in .value(.array(gate.calls.map(\.json))) },
        ]
        try host.install(global: "desk", source: deskLibrarySource(returning: "desk"), functions: functions)
        try host.install(global: "helpcenter", source: deskLibrarySource(returning: "helpcenter"), functions: functions)
    }

    /// Whether the policy refuses `names` only because nothing grants them.
    private func lacksGrant(_ names: [String]) -> Bool {
        let p = gate.policy
        if p.denials.contains(where: { d in names.contains { d.matches($0) } }) { return false }
        if p.declared != nil { return false }
        return !p.grants.contains(where: { g in names.contains { g.matches($0) } })
    }

    private func guarded(_ op: DeskCatalog.Operation?, calledAs name: String, preview: () -> [PreparedCall]?,
                         detail: String? = nil, _ body: () throws -> HostResult) throws -> HostResult {
        guard let op, op.safety == .destructive,
              lacksGrant(OperationNames.names(of: op.id) + [name]) else { return try body() }
        var what = detail ?? "\(op.method) \(op.path)"
        if let parts = preview(), let first = parts.first {
            what = "\(op.method) \(concretePath(op.path, first.path))"
            let ids = parts.flatMap(\.ids)
            if !ids.isEmpty { what += " (ids: \(ids.prefix(10).joined(separator: ", "))\(ids.count > 10 ? ", … \(ids.count) in all" : ""))" }
        }
        return try confirmAndRun(name: name, operation: op.id, question: "\(name) is destructive: \(what)", body)
    }

    private func guardedRaw(method: String, path: String, _ body: () throws -> HostResult) throws -> HostResult {
        guard method != "GET", lacksGrant(["desk.request"]) else { return try body() }
        return try confirmAndRun(name: "desk.request", operation: "request",
                                 question: "desk.request \(method) \(path) is not in the catalog and counts as destructive", body)
    }

    private func confirmAndRun(name: String, operation: String, question: String,
                               _ body: () throws -> HostResult) throws -> HostResult {
        if !gate.settings.dryRun {
            // No terminal: let the gate refuse it, with its usual remedy.
            guard let ask else { return try body() }
            guard ask(question) else {
                throw PolicyDenial(operation: operation, calledAs: name, ids: [], reason: "declined at the confirmation prompt",
                                   remedy: "answer y, or :allow \(name) for the rest of the session")
            }
        }
        guard let grant = try? Policy.Pattern(name) else { return try body() }
        gate.policy.grants.append(grant)
        // The gate decides synchronously; the call itself may then suspend.
        defer {
            if let i = gate.policy.grants.lastIndex(of: grant) { gate.policy.grants.remove(at: i) }
        }
        return try body()
    }
}
