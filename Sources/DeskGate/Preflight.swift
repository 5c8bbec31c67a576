import DeskCatalog
import Foundation
import JSONValue
import ShellCore

/// What `zdsh run` checks before a runbook's first API call, so that a job
/// is never left half done by something knowable at the start: every
/// destructive and notify operation the runbook declares is granted (an
/// optional one only when its parameter says it will be called), every
/// declared write names a write, and there is a way to confirm (`--yes` or
/// a terminal). The confirmation is asked once, here, with the whole
/// picture — also for bulk writes, unless a write cap of at most
/// `CallGate.Settings.writeConfirmationThreshold` records bounds them.
package struct Preflight {
    let runbookName: String
    let runbookPath: String
    let sha256: String
    let parameters: JSON
    let declared: [Policy.Pattern]
    let policy: Policy
    let target: PlanTarget
    let settings: CallGate.Settings
    /// The runbook's `optional = {…}`.
    var optional: [RunbookSpec.OptionalOperation] = []

    package init(runbookName: String, runbookPath: String, sha256: String, parameters: JSON, declared: [Policy.Pattern],
                 policy: Policy, target: PlanTarget, settings: CallGate.Settings, optional: [RunbookSpec.OptionalOperation] = []) {
        self.runbookName = runbookName
        self.runbookPath = runbookPath
        self.sha256 = sha256
        self.parameters = parameters
        self.declared = declared
        self.policy = policy
        self.target = target
        self.settings = settings
        self.optional = optional
    }

    /// One declared operation: an operationId, or a route for raw requests.
    package struct Declared {
        package let key: String
        package let display: String
        package let refusal: (reason: String, remedy: String)?
        /// Optional and not known to be called with these parameters: its
        /// grant is checked at the call instead of here. Says why.
        var deferred: String? = nil
    }

    /// Every destructive and notify operation the declarations name, with
    /// what the policy says of each. A declaration naming none is the runbook's error.
    package func operations() throws -> [Declared] {
        var out: [Declared] = []
        var seen = Set<String>()
        for d in declared {
            switch d.kind {
            case .name:
                let named = d.destructiveOperations
                if named.isEmpty {
                    throw UsageError("\(runbookPath): 'destructive' lists \(Terminal.visible(d.text)), which names no destructive operation (see zdsh api list --destructive); a raw request is declared by the operation it calls, or as 'METHOD /path'")
                }
                for id in named where seen.insert(id).inserted {
                    let name = OperationNames.preferred(id)
                    out.append(deferring(Declared(key: id, display: name, refusal: policy.decide(destructive: id, calledAs: name).refusal), pattern: d))
                }
            case .route:
                guard seen.insert(d.text).inserted else { continue }
                let granted = policy.grantsEverything || policy.grants.contains { $0 == d }
                let denied = policy.denials.contains { $0 == d }
                let refusal: (String, String)? = denied ? ("\(d.text) is explicitly denied", "remove the --deny/policy rule")
                    : granted ? nil : ("\(d.text) is not allowed", "--allow '\(d.text)'")
                out.append(deferring(Declared(key: d.text, display: d.text, refusal: refusal), pattern: d))
            }
        }
        return out + (try notifyOperations())
    }

    /// The declared notify operations: each needs a grant by name.
    private func notifyOperations() throws -> [Declared] {
        var out: [Declared] = []
        var seen = Set<String>()
        for d in policy.declaredNotify ?? [] {
            let named = d.notifyOperations
            if named.isEmpty {
                throw UsageError("\(runbookPath): 'notify' lists \(Terminal.visible(d.text)), which names no operation that sends or publishes to outside people (see zdsh api list --notify)")
            }
            for id in named where seen.insert(id).inserted {
                let name = OperationNames.preferred(id)
                out.append(deferring(Declared(key: id, display: "\(name) (notify)", refusal: policy.decide(notify: id, calledAs: name).refusal), pattern: d))
            }
        }
        return out
    }

    /// An optional operation the parameters do not call (or cannot tell
    /// about) is shown, but its grant is left to the call.
    private func deferring(_ d: Declared, pattern: Policy.Pattern) -> Declared {
        guard let o = optional.first(where: { $0.pattern == pattern.text }) else { return d }
        var d = d
        switch RunbookSpec.isCalled(o, parameters: parameters) {
        case true?: return d
        case false?: d.deferred = "optional, not called: --param \(Terminal.visible(o.parameter ?? "")) is not set"
        case nil: d.deferred = "optional: called on some parameters; its grant is checked at the call"
        }
        return d
    }

    /// Every declared write names a write operation.
    package func checkWrites() throws {
        for d in policy.declaredWrites ?? [] where d.kind == .name {
            let writes = Catalog.shared.operations.contains { $0.safety != .read && d.matches(names: OperationNames.names(of: $0.id)) }
            if !writes {
                throw UsageError("\(runbookPath): 'writes' lists \(Terminal.visible(d.text)), which names no write operation (see zdsh api list)")
            }
        }
    }

    /// Declared writes not bounded by a cap of at most the threshold: the
    /// start asks about them with the rest.
    package var writesNeedConfirmation: Bool {
        guard !(policy.declaredWrites ?? []).isEmpty else { return false }
        guard let cap = settings.maxWrites else { return true }
        return cap > CallGate.Settings.writeConfirmationThreshold
    }

    /// The refusal message when something declared is not granted: every
    /// missing flag at once, so one correction suffices.
    package static func refusalMessage(_ ops: [Declared], runbook: String) -> String? {
        let refused = ops.filter { $0.refusal != nil && $0.deferred == nil }
        guard !refused.isEmpty else { return nil }
        var lines = ["zdsh: refusing to start \(Terminal.visible(runbook)): it declares operations that are not allowed; nothing was sent."]
        for r in refused { lines.append("  \(r.display): \(r.refusal!.reason)") }
        var flags: [String] = []
        for r in refused { if let m = r.refusal?.remedy, m.hasPrefix("--allow"), !flags.contains(m) { flags.append(m) } }
        if !flags.isEmpty { lines.append("To allow them: \(flags.joined(separator: " "))") }
        return lines.joined(separator: "\n")
    }

    /// The whole picture, shown once before the run.
    package func picture(_ ops: [Declared]) -> String {
        var lines = ["zdsh: about to run \(Terminal.visible(runbookName)) (\(Terminal.visible(runbookPath)), sha256 \(sha256.prefix(12))…)"]
        if target.simulator {
            lines.append("  target:       \(target.described) — nothing real is touched")
        } else {
            lines.append("  target:       PRODUCTION: \(target.described)")
        }
        if case .object(let p) = parameters, !p.isEmpty {
            let shown = p.keys.sorted().map { "\($0)=\(Terminal.visible(p[$0]!.stringValue ?? p[$0]!.encoded()))" }
            lines.append("  parameters:   \(shown.joined(separator: " "))")
        }
        let shown = { (d: Declared) in d.display + (d.deferred.map { " [\($0)]" } ?? "") }
        let destructive = ops.filter { !$0.display.hasSuffix("(notify)") }, notify = ops.filter { $0.display.hasSuffix("(notify)") }
        if !destructive.isEmpty { lines.append("  destructive:  \(destructive.map(shown).joined(separator: ", "))") }
        if !notify.isEmpty { lines.append("  notify:       \(notify.map(shown).joined(separator: ", "))") }
        if let writes = policy.declaredWrites, !writes.isEmpty { lines.append("  writes:       \(writes.map { Terminal.visible($0.text) }.joined(separator: ", "))") }
        var caps = "at most \(settings.maxDestructive) records affected by destructive calls"
        caps += settings.maxWrites.map { "; at most \($0) records written" } ?? "; writes not capped (--max-writes)"
        caps += settings.allowUnbounded ? "; unbounded calls (\"all\") allowed" : "; unbounded calls refused"
        if let m = settings.maxCalls { caps += "; at most \(m) calls" }
        lines.append("  caps:         \(caps)")
        return lines.joined(separator: "\n")
    }
}

/// A y/N question on the controlling terminal (stdin may be a pipe).
package enum TerminalPrompt {
    package static func yesNo(_ question: String) -> Bool {
        Terminal.prompt(question)
        guard let tty = FileHandle(forReadingAtPath: "/dev/tty") else { return false }
        // Only what is typed after the question counts: a paste or keys
        // typed ahead must not answer a question they never saw.
        TerminalPrompt.discardTypedAhead(tty.fileDescriptor)
        var bytes: [UInt8] = []
        while bytes.count < 256, let chunk = try? tty.read(upToCount: 1), let b = chunk.first, b != 0x0A { bytes.append(b) }
        return ["y", "yes"].contains(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// Drops input the terminal holds that nobody has read yet (typed or
    /// pasted before the question was shown). Nothing on a pipe or file.
    package static func discardTypedAhead(_ fd: Int32 = STDIN_FILENO) {
        guard isatty(fd) != 0 else { return }
        tcflush(fd, TCIFLUSH)
    }
}
