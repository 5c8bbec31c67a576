import DeskCatalog
import DeskCore
import JSONValue
import LuaHost

/// The host side of Lua's `each…`/`all…`: the pager in `DeskLibrary.swift`
/// only fetches pages through the call gate and keeps a `PageCursor`'s state
/// between them; every rule (start, page size, end, repeated page) is the
/// cursor's, the same as `DeskClient.pages`.
///
/// The state travels as a small table `{from=, limit=, seen=, done=}` that
/// lives in a local of the trusted library, out of the runbook's reach.
package enum LuaPaging {
    /// `H.page_start(binding, limit?, from?)` → the first state.
    static func start(_ call: HostCall) throws -> HostResult {
        let name = try call.string(1)
        let operation = try self.operation(of: name)
        let limit = try optionalInt(call, 2, function: name, argument: "limit")
        let from = try optionalInt(call, 3, function: name, argument: "from")
        if let limit, limit < 1 {
            throw ArgumentError(function: name, name: "limit", expected: "a positive page size expected, got \(limit)")
        }
        if let from, from < 1 {
            throw ArgumentError(function: name, name: "from", expected: "a start of 1 or more expected, got \(from)")
        }
        return .value(state(PageCursor(operation: operation, pageSize: limit, from: from)))
    }

    /// `H.page_next(binding, state, count, first)` → the state after a page
    /// of `count` records whose first is `first`; raises on a repeated page.
    static func next(_ call: HostCall) throws -> HostResult {
        let name = try call.string(1)
        let operation = try self.operation(of: name)
        let given = try call.json(2)
        var cursor = PageCursor(resuming: operation.id,
                                pageSize: given["limit"]?.intValue.map(Int.init) ?? 1,
                                from: given["from"]?.intValue.map(Int.init) ?? 1,
                                previousFirst: given["seen"]?.intValue.map(Int.init))
        let first = call.isNil(4) ? nil : try call.json(4)
        do {
            try cursor.accept(count: Int(try call.integer(3)), first: first)
        } catch let error as DeskError {
            throw HostError("\(name) (\(operation.id)): \(error.message)")
        }
        return .value(state(cursor))
    }

    private static func state(_ cursor: PageCursor) -> JSON {
        var fields: [String: JSON] = ["from": .int(Int64(cursor.from)), "limit": .int(Int64(cursor.pageSize)),
                                      "done": .bool(cursor.isFinished)]
        if let seen = cursor.previousFirst { fields["seen"] = .int(Int64(seen)) }
        return .object(fields)
    }

    private static func operation(of name: String) throws -> DeskCatalog.Operation {
        guard let binding = FriendlyNames.binding(named: name),
              let operation = Catalog.shared.operation(id: binding.operationId) else {
            throw HostError("no binding named \(name)")
        }
        return operation
    }

    private static func optionalInt(_ call: HostCall, _ n: Int32, function: String, argument: String) throws -> Int? {
        if call.isNil(n) { return nil }
        guard let value = try? call.integer(n) else {
            throw ArgumentError(function: function, name: argument, expected: "an integer expected, got \(call.typeName(n))")
        }
        return Int(value)
    }
}
