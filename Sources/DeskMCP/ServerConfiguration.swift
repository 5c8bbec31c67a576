import DeskCore
import Foundation
import LuaHost
import Runbooks

/// What the operator said when starting `zdsh mcp`: the target, the grants,
/// the limits and the runbooks. Nothing an assistant sends can change it.
package struct ServerConfiguration: Sendable {
    package var sim = false
    package var fixture: String?
    package var profile: String?
    package var org: String?
    /// `--api-url` / `--accounts-url`: a profile's calls to another host.
    package var endpoints = Endpoints()
    package var allow: [String] = []
    package var deny: [String] = []
    package var policyFile: String?
    package var allowAllDestructive = false
    package var allowUnbounded = false
    /// Runbooks the assistant may list, describe and run (`--runbooks DIR`).
    package var runbooksDirectory: String?
    /// `--read-only`: every write is refused too, and no plan is applied.
    package var readOnly = false
    package var auditPath: String?
    /// Limits of each Lua run, as `zdsh eval` takes them.
    package var limits = Limits.defaults
    /// Records destructive calls may affect, across the whole session.
    package var maxDestructive = 25
    /// API calls, across the whole session (nil: no cap).
    package var maxCalls: Int?
    /// Records writes may affect, across the whole session (`--max-writes`,
    /// else the policy file's `max_writes`; nil: no cap).
    package var maxWrites: Int?
    package var verbose = false
    /// `--confirm`: which plans a human confirms before they are sent.
    package var confirm = ConfirmationRule.standard
    /// `--max-runs`: Lua runs one session executes at once (more wait their turn).
    package var maxRuns = 4
    /// `--max-result`: bytes of one tool result, text and structured content together.
    package var maxResultBytes = 64 << 10
    /// Where the session's signed plans are kept (nil: `$XDG_STATE_HOME/zdsh/mcp-plans`).
    package var planDirectory: String?

    package init() {}

    /// The target flags, as `BackendChoice` checks and connects them.
    package var backendChoice: BackendChoice {
        var c = BackendChoice()
        c.sim = sim; c.fixture = fixture; c.profile = profile; c.org = org
        c.endpoints = endpoints; c.verbose = verbose
        return c
    }
}
