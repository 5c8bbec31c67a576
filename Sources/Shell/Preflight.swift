import DeskCatalog
import Foundation
import JSONValue

/// What `zdsh run` checks before a runbook's first API call, so that a job
/// is never left half done by something knowable at the start: every
/// destructive operation the runbook declares is granted, and there is a
/// way to confirm (`--yes` or a terminal). The confirmation is asked once,
/// here, with the whole picture.
struct Preflight {
    let runbookName: String
    let runbookPath: String
    let sha256: String
    let parameters: JSON
    let declared: [Policy.Pattern]
    let policy: Policy
    let target: PlanTarget
    let settings: CallGate.Settings

    /// One declared operation: an operationId, or a route for raw requests.
    struct Declared {
        let key: String
        let display: String
        let refusal: (reason: String, remedy: String)?
    }

    /// Every destructive operation the declarations name, with what the
    /// policy says of each. A declaration naming none is the runbook's error.
    func operations() throws -> [Declared] {
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
                    out.append(Declared(key: id, display: name, refusal: policy.decide(destructive: id, calledAs: name).refusal))
                }
            case .route:
                guard seen.insert(d.text).inserted else { continue }
                let granted = policy.grantsEverything || policy.grants.contains { $0 == d }
                let denied = policy.denials.contains { $0 == d }
                let refusal: (String, String)? = denied ? ("\(d.text) is explicitly denied", "remove the --deny/policy rule")
                    : granted ? nil : ("\(d.text) is not allowed", "--allow '\(d.text)'")
                out.append(Declared(key: d.text, display: d.text, refusal: refusal))
            }
        }
        return out
    }

    /// The refusal message when something declared is not granted: every
    /// missing flag at once, so one correction suffices.
    static func refusalMessage(_ ops: [Declared], runbook: String) -> String? {
        let refused = ops.filter { $0.refusal != nil }
        guard !refused.isEmpty else { return nil }
        var lines = ["zdsh: refusing to start \(Terminal.visible(runbook)): it declares destructive operations that are not allowed; nothing was sent."]
        for r in refused { lines.append("  \(r.display): \(r.refusal!.reason)") }
        let flags = refused.compactMap { $0.refusal?.remedy }.filter { $0.hasPrefix("--allow") }
        if !flags.isEmpty { lines.append("To allow them: \(flags.joined(separator: " "))") }
        return lines.joined(separator: "\n")
    }

    /// The whole picture, shown once before the run.
    func picture(_ ops: [Declared]) -> String {
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
        lines.append("  destructive:  \(ops.map(\.display).joined(separator: ", "))")
        var caps = "at most \(settings.maxDestructive) records affected by destructive calls"
        caps += settings.allowUnbounded ? "; unbounded calls (\"all\") allowed" : "; unbounded calls refused"
        if let m = settings.maxCalls { caps += "; at most \(m) calls" }
        lines.append("  caps:         \(caps)")
        return lines.joined(separator: "\n")
    }
}

/// A y/N question on the controlling terminal (stdin may be a pipe).
enum TerminalPrompt {
    static func yesNo(_ question: String) -> Bool {
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
    static func discardTypedAhead(_ fd: Int32 = STDIN_FILENO) {
        guard isatty(fd) != 0 else { return }
        tcflush(fd, TCIFLUSH)
    }
}
