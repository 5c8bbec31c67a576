import DeskCatalog
import DeskGate
import Foundation
import JSONValue

/// The REPL's `:` commands. They act on the session's call gate (policy,
/// dry-run, records) and read the catalog; none of them runs Lua.
package extension Repl {
    static let commandHelp = """
        :help [NAME]        this list, or a binding's method, path, arguments, scopes and safety
        :allow PATTERN      allow destructive calls matching PATTERN without asking (e.g. helpcenter.labels.*)
        :deny PATTERN       refuse destructive calls matching PATTERN
        :undeny PATTERN     take a :deny back (destructive calls then ask again)
        :cap destructive N  raise or lower the destructive-record cap (:cap calls N for the call cap; off = none)
        :policy             the session's grants and denials
        :dry-run on|off     plan writes instead of sending them
        :plan               calls recorded while in dry-run
        :profile            the backend this session talks to
        :calls              calls made so far and API credits used
        :quit               leave (Ctrl-D works too)
        Expressions print their value; _ is the last result. Top-level locals persist (as globals).
        Tab completes names (desk.prof<TAB>); Ctrl-R searches history; Ctrl-C stops a running input.
        """

    func command(_ line: String) {
        let parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let arg = parts.dropFirst().joined(separator: " ")
        switch parts[0] {
        case ":help", ":h", ":?": out(arg.isEmpty ? Self.commandHelp : help(for: arg))
        case ":undeny": undeny(arg)
        case ":cap": cap(arg)
        case ":allow", ":deny": changePolicy(parts[0], arg)
        case ":policy": showPolicy()
        case ":dry-run": dryRun(arg)
        case ":plan": showPlan()
        case ":profile": showProfile()
        case ":calls": showCalls()
        case ":quit", ":q", ":exit": finished = true
        default: error("unknown command \(parts[0]) (:help lists them)")
        }
    }

    private func undeny(_ arg: String) {
        guard !arg.isEmpty else { error("usage: :undeny PATTERN"); return }
        let before = gate.policy.denials.count
        gate.adjust { policy, _ in policy.denials.removeAll { $0.text == arg.trimmingCharacters(in: .whitespaces) } }
        out(gate.policy.denials.count < before ? "no longer denied: \(arg)" : "\(arg) was not denied (:policy lists the denials)")
    }

    private func cap(_ arg: String) {
        let words = arg.split(separator: " ").map(String.init)
        guard words.count == 2, ["destructive", "calls"].contains(words[0]) else {
            error("usage: :cap destructive N | :cap calls N|off"); return
        }
        if words[0] == "calls" && words[1] == "off" { gate.adjust { $1.maxCalls = nil }; out("call cap: none"); return }
        guard let n = Int(words[1]), n >= 0 else { error(":cap \(words[0]) needs a number"); return }
        if words[0] == "destructive" {
            gate.adjust { $1.maxDestructive = n }
            out("destructive cap: \(n) records (\(gate.destructiveCount) affected so far this session)")
        } else {
            gate.adjust { $1.maxCalls = n }
            out("call cap: \(n) calls (\(gate.callCount) made so far this session)")
        }
    }

    /// `:allow` / `:deny PATTERN`: a grant or a denial, replacing its opposite.
    private func changePolicy(_ command: String, _ arg: String) {
        guard !arg.isEmpty else { error("usage: \(command) PATTERN"); return }
        do {
            let p = try Policy.checked(arg, flag: command)
            if command == ":allow" {
                gate.adjust { policy, _ in
                    policy.grants.append(p)
                    policy.denials.removeAll { $0 == p }
                }
                out("allowed: \(p)")
            } else {
                gate.adjust { policy, _ in
                    policy.denials.append(p)
                    policy.grants.removeAll { $0 == p }
                }
                out("denied: \(p)")
            }
        } catch { self.error("\(error)") }
    }

    private func showPolicy() {
        let p = gate.policy
        out("allowed: " + (p.grants.isEmpty ? "(none)" : p.grants.map(\.text).joined(separator: ", ")))
        out("denied:  " + (p.denials.isEmpty ? "(none)" : p.denials.map(\.text).joined(separator: ", ")))
        out("other destructive calls: " + (options.interactive ? "ask y/N at the prompt" : "refused (no terminal to ask)"))
        out("dry-run: \(gate.settings.dryRun ? "on" : "off"); destructive cap \(gate.settings.maxDestructive)"
            + (gate.settings.maxCalls.map { ", call cap \($0)" } ?? ""))
    }

    private func dryRun(_ arg: String) {
        switch arg.lowercased() {
        case "on": gate.adjust { $1.dryRun = true }
        case "off": gate.adjust { $1.dryRun = false }
        case "": break
        default: error("usage: :dry-run on|off"); return
        }
        out("dry-run is \(gate.settings.dryRun ? "on: writes are planned, not sent" : "off")")
    }

    private func showPlan() {
        let planned = gate.calls.filter { $0.outcome == .planned }
        if planned.isEmpty { out("nothing planned (turn on :dry-run, then run writes)"); return }
        for r in planned {
            out("\(r.sequence). \(r.calledAs)  \(r.method) \(r.path)  [\(r.safety.rawValue)]"
                + (r.ids.isEmpty ? "" : "  ids: \(r.ids.joined(separator: ", "))"))
        }
    }

    private func showProfile() {
        out("profile: \(backend.profile)\(backend.simulator != nil ? " (built-in simulator)" : "")")
        out("org:     \(backend.orgId ?? "(unknown)")")
        out("api:     \(backend.client.connection.apiURL)")
    }

    private func showCalls() {
        let calls = gate.calls
        for r in calls {
            var line = "\(r.sequence). \(r.outcome.rawValue)  \(r.calledAs)  \(r.method) \(r.path)"
            if let s = r.status { line += "  \(s)" }
            if let ms = r.durationMs { line += "  \(ms) ms" }
            if let m = r.message, r.outcome != .sent { line += "  (\(m))" }
            out(line)
        }
        let credits = backend.simulator?.stats.creditsUsed ?? backend.client.callCount
        out("\(calls.count) call\(calls.count == 1 ? "" : "s"); \(credits) API credit\(credits == 1 ? "" : "s") used")
    }

    /// Catalog facts for a binding, `desk.api.<id>` or operationId.
    func help(for name: String) -> String {
        var id = name
        var binding = FriendlyNames.binding(named: name)
        if let b = binding { id = b.operationId } else if name.hasPrefix("desk.api.") { id = String(name.dropFirst(9)) }
        guard let op = Catalog.shared.operation(id: id) else {
            let near = FriendlyNames.all.map(\.name).filter { $0.hasPrefix(name) }.prefix(20)
            return near.isEmpty ? "no binding or operation named \(name)" : "did you mean: " + near.joined(separator: ", ")
        }
        if binding == nil { binding = OperationNames.bindings(of: op.id).first { !$0.isAlias } }
        var lines: [String] = []
        lines.append(binding.map { "\($0.name)  (desk.api.\(op.id))" } ?? "desk.api.\(op.id)")
        if let alias = binding?.alias {
            lines.append("  alias of the earlier client (\(alias.oldPath)) → use \(alias.replacement)")
            if let u = alias.unsupported { lines.append("  unsupported: \(u)") }
        }
        lines.append("  method:  \(op.method) \(op.path)")
        lines.append("  safety:  \(op.safetySummary)\(op.mayBeDestructive ? " (destructive calls ask y/N unless :allow)" : "")")
        if let b = binding, !b.positional.isEmpty {
            lines.append("  call:    \(b.name)(\((b.positional + ["{options}"]).joined(separator: ", ")))")
        } else {
            lines.append("  call:    desk.api.\(op.id){ … }")
        }
        let params = op.parameters.filter { $0.location != .header }
        if !params.isEmpty {
            lines.append("  parameters:")
            for p in params {
                let type = p.schema.types.joined(separator: "|")
                let extra = p.schema.enumValues.map { " one of " + $0.prefix(8).joined(separator: ", ") } ?? ""
                lines.append("    \(p.name)  \(p.location.rawValue)\(type.isEmpty ? "" : " \(type)")\(p.required ? " required" : "")\(extra)")
            }
        }
        if let body = op.body, let props = body.schema.properties, !props.isEmpty {
            let required = Set(body.schema.requiredProperties)
            lines.append("  body (\(body.contentType)):")
            for k in props.keys.sorted().prefix(40) {
                lines.append("    \(k)  \(props[k]!.types.joined(separator: "|"))\(required.contains(k) ? " required" : "")")
            }
            if props.count > 40 { lines.append("    … \(props.count - 40) more fields") }
        }
        if let b = binding, !b.options.isEmpty {
            lines.append("  options: " + b.options.sorted { $0.key < $1.key }.map { "\($0.key) → \($0.value)" }.joined(separator: ", "))
        }
        lines.append("  scopes:  \(op.scopes.isEmpty ? "(none)" : op.scopes.joined(separator: ", "))")
        if let page = op.maxPageSize { lines.append("  pages:   up to \(page) per request") }
        return lines.joined(separator: "\n")
    }
}
