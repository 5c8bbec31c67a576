import DeskCore
import DeskGate
import Foundation
import JSONValue
import Runbooks
import ShellCore

/// The connection, grants and audit log every tool call of this server
/// shares. The simulator (with --sim) lives as long as the server, so what
/// an apply changed is there for the next read.
final class DeskTarget: Sendable {
    let backend: Backend
    let policy: Policy
    let audit: AuditLog
    let configuration: ServerConfiguration
    /// Where this session's signed plans are kept (private to the process's user).
    let planDirectory: String
    /// Tags this session's audit records, so its tail can be told apart.
    let sessionId = DeskTarget.newRunId()

    init(backend: Backend, policy: Policy, audit: AuditLog, configuration: ServerConfiguration, planDirectory: String) {
        self.backend = backend; self.policy = policy; self.audit = audit
        self.configuration = configuration; self.planDirectory = planDirectory
    }

    var planTarget: PlanTarget {
        PlanTarget(simulator: backend.simulator != nil, fixture: configuration.fixture.map(Self.absolute),
                   profile: backend.profile, org: backend.orgId)
    }

    /// Fields every audit record of this session carries: who asked (the
    /// MCP client), through what, against what.
    func auditContext(runId: String, client: String) -> [String: JSON] {
        var context = AuditContext.base(runId: runId, backend: backend)
        context["via"] = .string("mcp")
        context["mcp_client"] = .string(client)
        context["mcp_session"] = .string(sessionId)
        return context
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        return ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    static func newRunId() -> String {
        "mcp-" + UTCTimestamp.compact() + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// Plans outlive the server: they are kept in the state folder
    /// (`$XDG_STATE_HOME/zdsh/mcp-plans`, private to the user), so a plan
    /// an assistant could not get confirmed can still be reviewed and applied
    /// with `zdsh apply`, and its journal keeps it from applying twice.
    static func makePlanDirectory(_ configured: String?) throws -> String {
        let dir = configured.map(absolute)
            ?? ((AuditLog.defaultPath() as NSString).deletingLastPathComponent as NSString).appendingPathComponent("mcp-plans")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        prune(dir)
        return dir
    }

    /// How long a plan may wait for its apply: an assistant applies within
    /// its session, an operator within a day (`zdsh apply` of the file).
    static let planLifetime: TimeInterval = 24 * 3600

    /// Plan files older than a week are removed, so the folder does not grow without end.
    static func prune(_ dir: String) {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix("mcp-") && name.hasSuffix(".json") {
            let path = (dir as NSString).appendingPathComponent(name)
            if let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
               Date().timeIntervalSince(modified) > 7 * 24 * 3600 {
                try? fm.removeItem(atPath: path)
            }
        }
    }
}

extension DeskTarget {
    /// What the tools list says of itself under the operator's flags.
    var toolMode: ToolCatalog.Mode {
        ToolCatalog.Mode(readOnly: configuration.readOnly,
                         destructiveGranted: !configuration.allow.isEmpty || configuration.policyFile != nil || configuration.allowAllDestructive)
    }
}
