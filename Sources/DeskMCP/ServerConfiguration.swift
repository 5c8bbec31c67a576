import Foundation
import Shell
import DeskCore
import LuaHost
import Shell

/// What the operator said when starting `zdsh mcp`: the target, the grants,
/// the limits and the runbooks. Nothing an assistant sends can change it.
public struct ServerConfiguration: Sendable {
    public var sim = false
    public var fixture: String?
    public var profile: String?
    public var org: String?
    /// `--api-url` / `--accounts-url`: a profile's calls to another host.
    public var endpoints = Endpoints()
    public var allow: [String] = []
    public var deny: [String] = []
    public var policyFile: String?
    public var allowAllDestructive = false
    public var allowUnbounded = false
    /// Runbooks the assistant may list, describe and run (`--runbooks DIR`).
    public var runbooksDirectory: String?
    /// `--read-only`: every write is refused too, and no plan is applied.
    public var readOnly = false
    public var auditPath: String?
    /// Limits of each Lua run, as `zdsh eval` takes them.
    public var limits = Limits.defaults
    /// Records destructive calls may affect, across the whole session.
    public var maxDestructive = 25
    /// API calls, across the whole session (nil: no cap).
    public var maxCalls: Int?
    public var verbose = false
    /// `--confirm`: which plans a human confirms before they are sent.
    public var confirm = ConfirmationRule.standard
    /// `--max-runs`: Lua runs one session executes at once (more wait their turn).
    public var maxRuns = 4
    /// `--max-result`: bytes of one tool result, text and structured content together.
    public var maxResultBytes = 64 << 10
    /// Where the session's signed plans are kept (nil: `$XDG_STATE_HOME/zdsh/mcp-plans`).
    public var planDirectory: String?

    public init() {}

    /// The target flags, as `BackendChoice` checks and connects them.
    public var backendChoice: BackendChoice {
        var c = BackendChoice()
        c.sim = sim; c.fixture = fixture; c.profile = profile; c.org = org
        c.endpoints = endpoints; c.verbose = verbose
        return c
    }
}
