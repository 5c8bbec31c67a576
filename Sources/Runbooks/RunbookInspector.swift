import DeskCore
import DeskGate
import DeskSim
import Foundation
import JSONValue
import LuaHost
import ShellCore

/// Reads a runbook's metadata without a connection: its top level runs in
/// the sandbox against an empty simulator, so nothing can reach Zoho.
package enum RunbookInspector {
    /// `source`: the bytes already read (and hash-checked) by the caller, so
    /// the spec comes from exactly those bytes. `limits`: the caller's sandbox
    /// limits (the top level runs under them, as it would in `zdsh run`).
    package static func spec(file: String, source: Data? = nil, limits: Limits = .defaults) throws -> RunbookSpec {
        let code = try source.map { LuaSource($0, name: "@\(file)") } ?? RunbookLoader.read(file)
        var recipe = SessionRecipe(client: Backend.simulator(Simulator(fixture: .empty)).client, policy: Policy())
        recipe.runbook = file
        recipe.limits = limits
        recipe.output = { _ in }
        let session = try Session(recipe)
        switch try RunbookLoader(source: code, session: session).describe() {
        case .runbook(let spec): return spec
        case .plain: throw UsageError("\(file): not a runbook (it must return runbook{ name = ..., main = function(p) ... end })")
        case .failed(let e): throw UsageError("\(e)")
        }
    }
}

package extension RunbookSpec {
    var json: JSON {
        .object([
            "name": .string(name), "description": .string(description),
            "params": .object(Dictionary(uniqueKeysWithValues: parameters.map { p in
                (p.name, JSON.object(["type": .string(p.type), "required": .bool(p.required),
                                      "default": p.defaultValue ?? .null, "description": .string(p.description)]))
            })),
            "destructive": .array(destructive.map(JSON.string)),
            "risk": .array(risk.map(JSON.string)),
        ])
    }
}
