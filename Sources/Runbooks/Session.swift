import DeskCatalog
import DeskCore
import DeskGate
import Foundation
import JSONValue
import LuaHost
import ShellCore

/// One sandboxed Lua state wired to one Desk client through the call gate:
/// what `run`, `eval`, the REPL and scenario tests all use.
package final class Session {
    package let host: LuaHost
    package let gate: CallGate

    /// The one way a session is made (see `SessionRecipe`).
    package init(_ recipe: SessionRecipe) throws {
        var options = LuaHost.Options(limits: recipe.limits, output: recipe.output,
                                      modulePaths: recipe.modulePaths + [Stdlib.path].compactMap { $0 })
        options.rawOutput = recipe.rawOutput
        host = try LuaHost(options: options)
        gate = CallGate(client: recipe.client, policy: recipe.policy, settings: recipe.settings, audit: recipe.audit,
                        journal: recipe.journal, uploadRoots: recipe.uploadRoots)
        gate.host = host
        try installLibraries()
    }

    /// A session from the recipe's most used parts (tests and tools).
    package convenience init(client: DeskClient, policy: Policy, settings: CallGate.Settings = .init(), audit: AuditLog? = nil,
                            limits: Limits = .defaults, modulePaths: [String] = [],
                            output: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) throws {
        var recipe = SessionRecipe(client: client, policy: policy)
        recipe.settings = settings
        recipe.audit = audit
        recipe.limits = limits
        recipe.moduleFolders = modulePaths
        recipe.output = output
        try self.init(recipe)
    }

    deinit { host.close() }

    private func installLibraries() throws {
        let gate = self.gate
        let functions: [String: HostFunction] = [
            "call": { call in try InvalidArgument.raising {
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
                return try gate.callBinding(name, args)
            } },
            "call_api": { call in try InvalidArgument.raising {
                let id = try call.string(1)
                let table: JSON
                do { table = try LuaJSONArgument.read(call, 2) } catch let e as LuaJSONArgument.Failure {
                    throw ArgumentError(function: "desk.api.\(id)", position: 1, expected: e.reason)
                }
                return try gate.callOperation(id, table)
            } },
            "request": { call in try InvalidArgument.raising {
                try gate.request(method: try call.string(1), path: try call.string(2), options: try call.json(3))
            } },
            "binding_info": { call in .value(try gate.bindingInfo(try call.string(1))) },
            "page_start": LuaPaging.start,
            "concurrency": { _ in .value(.int(Int64(gate.client.options.maxConcurrentCalls))) },
            "page_next": LuaPaging.next,
            "binding_names": { call in
                let root = try call.string(1)
                // A dotted name lives under its first part; the earlier client's plain names under desk.
                return .value(.array(FriendlyNames.all.filter { b in
                    (b.name.firstIndex(of: ".").map { String(b.name[..<$0]) } ?? "desk") == root
                }.map { .string($0.name) }))
            },
            "missing_name": MissingName.hostFunction,
            "unchecked_key": { _ in .value(.string(UncheckedFields.marker)) },
            "has_operation": { call in .value(.bool(Catalog.shared.operation(id: try call.string(1)) != nil)) },
            "calls_made": { _ in .value(.array(gate.calls.map(\.json))) },
            "progress": ProgressBar.hostFunction(ProgressBar.standardError()),
        ]
        try host.install(global: "desk", source: deskLibrarySource(returning: "desk"), functions: functions)
        try host.install(global: "helpcenter", source: deskLibrarySource(returning: "helpcenter"), functions: functions)
        try host.install(global: "runbook", source: RunbookSpec.librarySource, functions: ["where": RunbookSpecLocation.hostFunction])
    }

    package func run(_ source: String, name: String, arguments: [JSON] = []) -> Result<[RunValue], LuaError> {
        run(LuaSource(text: source, name: name), arguments: arguments.map(RunArgument.value))
    }

    /// Runs `source`'s bytes, or a driver with compiled chunks as arguments.
    /// Calls the run made that have not left when it ends are not sent.
    package func run(_ source: LuaSource, arguments: [RunArgument] = []) -> Result<[RunValue], LuaError> {
        gate.sends.begin()
        defer { gate.sends.end() }
        return host.run(source, arguments: arguments)
    }

    package func run(_ driver: (LuaSource, [RunArgument])) -> Result<[RunValue], LuaError> {
        run(driver.0, arguments: driver.1)
    }

    /// Waits (up to `limit`) for the calls still going out to settle, so
    /// what is reported next says what was sent.
    package func settle(within limit: Duration = .seconds(10)) async {
        await gate.sends.settle(within: limit)
    }
}

/// Reads a binding argument as JSON, with messages fit for "bad argument".
package enum LuaJSONArgument {
    struct Failure: Error { let reason: String }
    static func read(_ call: HostCall, _ i: Int32) throws -> JSON {
        do { return try call.convertedJSON(i) } catch let e as LuaJSON.ConversionError {
            throw Failure(reason: e.description)
        }
    }
}
