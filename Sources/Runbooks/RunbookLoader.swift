import DeskGate
import Foundation
import JSONValue
import LuaHost
import ShellCore

/// describe → declare → run, written once. `zdsh run`, `zdsh describe`,
/// `zdsh apply` (which re-reads the runbook a plan names) and a scenario's
/// `runbook.run` all load a runbook through here, so the chunk names, the
/// rule for the top level, the parameter checks and the policy the main
/// function runs under (the operator's grants ∩ what the runbook declares)
/// cannot drift apart.
package struct RunbookLoader {
    /// What a file's top level answered.
    package enum TopLevel {
        /// A runbook: its metadata (its main has not run yet).
        case runbook(RunbookSpec)
        /// A plain script: its top level was the real run; these are its results.
        case plain([RunValue])
        /// The top level failed (a syntax error, an error raised, a refused write).
        case failed(LuaError)
    }

    /// How parameters arrive: `--param name=value` strings, or a Lua table
    /// from a scenario (typed values kept, strings checked as `--param`).
    package enum Parameters {
        case strings([String: String])
        case table(JSON)
    }

    /// Why a runbook's top level may not write: it runs before the grants
    /// are checked and before anyone has confirmed anything.
    package static let topLevelRule = "a runbook's top level may only read; make changes in its main function, which runs after the grants are checked"

    package let source: LuaSource
    package let session: Session

    package init(source: LuaSource, session: Session) {
        self.source = source
        self.session = session
    }

    /// Reads a runbook file's bytes as Lua reads them (never decoded and
    /// re-encoded), named for error messages as Lua names a file.
    package static func read(_ path: String) throws -> LuaSource {
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read \(path)") }
        return LuaSource(data, name: "@\(path)")
    }

    /// Runs the file's top level once. A file that looks like a runbook (any
    /// file, when `holdAnyFileToReads`) may only read while it does. Throws
    /// when the metadata a runbook answered is malformed.
    package func describe(holdAnyFileToReads: Bool = false) throws -> TopLevel {
        let topLevel = RunbookSpec.describe(source)
        let answer = holdAnyFileToReads || RunbookSpec.looksLikeRunbook(source.bytes)
            ? session.gate.holdingToReads(because: Self.topLevelRule) { session.run(topLevel) }
            : session.run(topLevel)
        switch answer {
        case .failure(let e):
            return .failed(e)
        case .success(let values):
            guard case .json(let j)? = values.first else { return .plain(values) }
            if j == RunbookSpec.plainMarker { return .plain(Array(values.dropFirst())) }
            return .runbook(try RunbookSpec(json: j))
        }
    }

    /// Checks and converts the parameters, then narrows the session's policy
    /// to what the runbook declares and records the parameters in the audit
    /// context, with `auditFields` (the runbook's path and hash, where the
    /// session did not start with them). Returns the converted parameters.
    package func declare(_ spec: RunbookSpec, parameters given: Parameters, auditFields: [String: JSON] = [:]) throws -> JSON {
        let parameters: JSON
        switch given {
        case .strings(let strings): parameters = try spec.convert(strings)
        case .table(let table): parameters = try spec.convert(json: table)
        }
        try session.gate.declare(spec, auditFields: auditFields.merging(["parameters": parameters]) { _, new in new })
        return parameters
    }

    /// The check before the first call when the runbook declares destructive
    /// operations: every one granted, then `confirm` (given the declared
    /// operations) agrees. Returns the refusal to report, or nil: the
    /// declared operations are then confirmed for the whole run. `runbook`:
    /// the path as the operator gave it, for the refusal.
    package func preflight(_ check: Preflight, runbook: String, confirm: ([Preflight.Declared]) -> String?) throws -> String? {
        let ops = try check.operations()
        try check.checkWrites()
        if let refusal = Preflight.refusalMessage(ops, runbook: runbook) { return refusal }
        // Writes bounded by a cap of at most the threshold need no question.
        guard !ops.isEmpty || check.writesNeedConfirmation else {
            session.gate.markWritesConfirmed()
            return nil
        }
        if let refusal = confirm(ops) { return refusal }
        session.gate.markConfirmed(ops.filter { $0.refusal == nil }.map(\.key))
        session.gate.markWritesConfirmed()
        return nil
    }

    /// Runs the runbook's main with the converted parameters.
    package func run(parameters: JSON) -> Result<[RunValue], LuaError> {
        session.run(RunbookSpec.run(source, parameters: parameters))
    }
}
