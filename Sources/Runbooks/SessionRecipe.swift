import DeskCore
import DeskGate
import Foundation
import JSONValue
import LuaHost

/// Everything a session is made from. Every command that runs Lua — run,
/// eval, describe, zdsh test, the REPL and MCP — fills one of these and
/// hands it to `Session(_:)`, so where `require` and uploads may read, the
/// audit context and the journal are decided in one place for all of them.
///
/// ```swift
/// var recipe = SessionRecipe(client: backend.client, policy: policy)
/// recipe.runbook = "runbooks/offboard.lua"   // require and uploads read from runbooks/
/// recipe.filesDirs = ["/srv/exports"]        // --files-dir: uploads may also read here
/// recipe.settings.dryRun = true
/// let session = try Session(recipe)
/// ```
package struct SessionRecipe {
    /// Where the calls go.
    package var client: DeskClient
    /// The operator's grants (a runbook's declaration narrows them later, see `CallGate.declare`).
    package var policy: Policy
    /// Dry run, caps, confirmation and the audit context.
    package var settings = CallGate.Settings()
    package var audit: AuditLog?
    /// The journal a run records its calls in (and `--resume` reads).
    package var journal: Journal?
    package var limits = Limits.defaults
    /// The runbook file the session runs, if any: its folder is where
    /// `require` and uploads read.
    package var runbook: String?
    /// Other folders `require` reads, after the runbook's (the REPL's working folder).
    package var moduleFolders: [String] = []
    /// Folders uploads may read besides the runbook's (`--files-dir`).
    package var filesDirs: [String] = []
    /// Where `print` writes text.
    package var output: (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }
    /// Where `print` writes bytes that are not UTF-8, when set.
    package var rawOutput: (([UInt8]) -> Void)?

    package init(client: DeskClient, policy: Policy) {
        self.client = client
        self.policy = policy
    }

    /// Where `require` looks: the runbook's folder, then `moduleFolders`.
    var modulePaths: [String] { runbookFolder + moduleFolders }

    /// Where uploads may read files: the runbook's folder and `filesDirs`.
    var uploadRoots: [String] { runbookFolder + filesDirs }

    private var runbookFolder: [String] { runbook.map { [Self.folder(of: $0)] } ?? [] }

    /// The folder holding `path` ("." for a bare file name): a runbook's
    /// `require` and uploads are confined to it.
    package static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }
}

/// The fields every audit record of a session carries: which run, who ran
/// it, against what. Commands add their own (the runbook, the MCP client).
package enum AuditContext {
    package static func base(runId: String, backend: Backend) -> [String: JSON] {
        var context: [String: JSON] = [
            "run_id": .string(runId),
            "operator": .string(operatorName),
            "profile": .string(backend.profile),
            "sim": .bool(backend.simulator != nil),
        ]
        if let org = backend.orgId { context["org"] = .string(org) }
        return context
    }

    /// The operating-system user, as the audit log names the operator.
    package static var operatorName: String { ProcessInfo.processInfo.environment["USER"] ?? NSUserName() }
}
