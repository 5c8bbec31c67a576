import DeskCatalog
import JSONValue
import ShellCore

/// A dry run's plan as people read it, the way Terraform shows one: grouped
/// by safety (destructive first), then per operation with its method and
/// path, the ids each call touches labelled by their role (`label`,
/// `users`), and the fields the calls set: before → after where the dry
/// run read the record (`~ assigneeId: "41" (Carla) → "42"`), after only
/// where it did not (a destructive call is never read: `~ status → "DISABLED"`).
/// Bodies are summarised, never dumped: a list of ids is a count, a nested
/// object its size.
///
/// Everything here came from a runbook or a plan file: ids, values and notes
/// are escaped (`Terminal.visible`), one field per line, so none can hide or
/// forge a line.
package struct PlanRenderer {
    let calls: [CallRecord]
    /// Ids shown per role before the rest is counted.
    var maxIds = 20
    /// Fields shown per operation before the rest is counted.
    var maxFields = 12
    /// The first line (apply shows the same view under its own title).
    package var title = "Plan (dry run — nothing was sent):"

    package init(calls: [CallRecord]) { self.calls = calls }

    package func render() -> String {
        if calls.isEmpty { return "Plan: no write or destructive calls." }
        var lines = [title]
        // Notify calls apart: what reaches people outside the org is read on its own.
        let groups: [(String, [CallRecord])] = [
            ("DESTRUCTIVE", calls.filter { $0.safety == .destructive }),
            ("NOTIFY (sends to or publishes for people outside the org)", calls.filter { $0.notifies && $0.safety != .destructive }),
            ("writes", calls.filter { $0.safety == .write && !$0.notifies }),
        ]
        for (label, group) in groups where !group.isEmpty {
            lines.append("  \(label) (\(group.count) call\(group.count == 1 ? "" : "s")):")
            for (name, cs) in byOperation(group) { lines += operationLines(name, cs) }
        }
        return lines.joined(separator: "\n")
    }

    /// Calls grouped by the name they were called as, in first-call order.
    func byOperation(_ group: [CallRecord]) -> [(String, [CallRecord])] {
        var order: [String] = []
        var byName: [String: [CallRecord]] = [:]
        for c in group {
            if byName[c.calledAs] == nil { order.append(c.calledAs) }
            byName[c.calledAs, default: []].append(c)
        }
        return order.map { ($0, byName[$0]!) }
    }

    func operationLines(_ name: String, _ cs: [CallRecord]) -> [String] {
        let first = cs[0]
        let template = Catalog.shared.operation(id: first.operationId)?.path ?? first.path
        var head = "    \(Terminal.visible(name)) ×\(cs.count)  \(Terminal.visible(first.method)) \(Terminal.visible(template))"
        let roles = PlanRoles.ids(of: cs, template: template)
        if !roles.isEmpty {
            head += "  " + roles.map { "\(Terminal.visible($0.role)): \(shown($0.ids))" }.joined(separator: "; ")
        } else if !cs.flatMap(\.ids).isEmpty {
            head += "  ids: " + shown(PlanRoles.unique(cs.flatMap(\.ids)))
        }
        var lines = [head]
        lines += changeLines(cs)
        let unchecked = PlanRoles.unique(cs.flatMap(\.unchecked))
        if !unchecked.isEmpty {
            lines.append("      ! unchecked (desk.unchecked, not in Zoho's spec): \(unchecked.map { Terminal.visible($0) }.joined(separator: ", "))")
        }
        if let note = cs.compactMap(\.message).first { lines.append("      \(Terminal.visible(note))") }
        return lines
    }

    /// `~ field: before → after` for what the writes set, where the dry
    /// run read the record (`~ field → after` where it could not); a field
    /// already at its value is omitted, and "(no change)" said when every
    /// field is. The same value across calls once, differing ones as a count.
    func changeLines(_ cs: [CallRecord]) -> [String] {
        var changes: [String: [FieldChange]] = [:]
        var unchanged = Set<String>()
        func add(_ k: String, _ change: FieldChange) {
            if change.isNoOp { unchanged.insert(k) } else { changes[k, default: []].append(change) }
        }
        for c in cs {
            // A mass action: what it sets on each record it lists, before → after per record read.
            if let fields = RecordRead.massFields(c.body), let ids = RecordRead.massIds(c.body) {
                for (k, v) in fields {
                    guard let byId = c.beforeById else { add(k, FieldChange(before: nil, name: nil, after: v)); continue }
                    for id in PlanRoles.unique(ids) { add(k, FieldChange(before: byId[id]?[k], name: nil, after: v)) }
                }
                continue
            }
            guard case .object(let body)? = c.body else { continue }
            for (k, v) in body where !PlanRoles.isIdList(k, v) {
                add(k, FieldChange(before: c.before?[k], name: c.beforeNames?[k], after: v))
            }
        }
        if changes.isEmpty && !unchanged.isEmpty { return ["      (no change)"] }
        let keys = changes.keys.sorted()
        var lines = keys.prefix(maxFields).map { "      ~ \(Terminal.visible($0))\(changeText(changes[$0]!))" }
        if keys.count > maxFields { lines.append("      … \(keys.count - maxFields) more fields") }
        return lines
    }

    /// ": "Carla" → "Sam"", or " → "Sam"" when no current value is known.
    func changeText(_ changes: [FieldChange]) -> String {
        let afters = Set(changes.map { $0.after.encoded() })
        let after = afters.count == 1 ? summary(changes[0].after) : "\(afters.count) different values"
        let befores = changes.compactMap(\.before)
        guard befores.count == changes.count else { return " → \(after)" }
        let distinct = Set(befores.map { $0.encoded() })
        guard distinct.count == 1 else { return ": \(distinct.count) different values → \(after)" }
        let name = changes[0].name.map { " (\(Terminal.visible($0)))" } ?? ""
        return ": \(summary(befores[0]))\(name) → \(after)"
    }

    /// A body value in a few characters.
    func summary(_ v: JSON) -> String {
        switch v {
        case .string(let s): return Terminal.visible(InlineValue.quoted(String(s.prefix(80)) + (s.count > 80 ? "…" : "")))
        case .array(let a): return InlineValue.text(v).flatMap { $0.count <= 60 ? Terminal.visible($0) : nil } ?? "[\(InlineValue.count(a.count, "item"))]"
        case .object(let o): return InlineValue.text(v).flatMap { $0.count <= 60 ? Terminal.visible($0) : nil } ?? "{\(InlineValue.count(o.count, "field"))}"
        default: return InlineValue.scalar(v)
        }
    }

    func shown(_ ids: [String]) -> String {
        ids.prefix(maxIds).map { Terminal.visible($0) }.joined(separator: ", ") + (ids.count > maxIds ? ", … (\(ids.count) ids)" : "")
    }
}

/// One field one write sets: its value before (when the dry run read the
/// record) and after.
package struct FieldChange {
    let before: JSON?
    let name: String?
    let after: JSON

    /// The record already holds the value (an id given as a number or a
    /// string is the same id).
    var isNoOp: Bool {
        guard let before else { return false }
        if before.encoded() == after.encoded() { return true }
        if let a = PlanRoles.idText(before), let b = PlanRoles.idText(after) { return a == b }
        return false
    }
}

/// Which ids a call touches in which role: the path's placeholders
/// (`{labelId}` → label) and the body's id lists (`userIds` → users).
package enum PlanRoles {
    static func ids(of cs: [CallRecord], template: String) -> [(role: String, ids: [String])] {
        ids(of: cs.map { (path: $0.path, body: $0.body) }, template: template)
    }

    /// The same for calls given as concrete path and body (`zdsh apply`'s).
    static func ids(of calls: [(path: String, body: JSON?)], template: String) -> [(role: String, ids: [String])] {
        var order: [String] = []
        var ids: [String: [String]] = [:]
        func add(_ role: String, _ values: [String]) {
            if ids[role] == nil { order.append(role) }
            ids[role, default: []] += values
        }
        for c in calls {
            for (name, value) in pathValues(template: template, path: c.path) { add(role(ofPathName: name), [value]) }
            if case .object(let body)? = c.body {
                for k in body.keys.sorted() where isIdList(k, body[k]!) {
                    add(role(ofListName: k), body[k]!.arrayValue!.compactMap(idText))
                }
            }
        }
        return order.map { role -> (role: String, ids: [String]) in (role, unique(ids[role]!)) }
    }

    /// `xs` without repeats, in first-seen order.
    static func unique(_ xs: [String]) -> [String] {
        var seen = Set<String>()
        return xs.filter { seen.insert($0).inserted }
    }

    /// `{labelId}` in the template against the concrete path.
    static func pathValues(template: String, path: String) -> [(String, String)] {
        let t = template.split(separator: "/"), p = path.split(separator: "/")
        guard t.count == p.count else { return [] }
        return zip(t, p).compactMap { ts, ps in
            guard ts.hasPrefix("{"), ts.hasSuffix("}") else { return nil }
            return (String(ts.dropFirst().dropLast()), String(ps))
        }
    }

    /// `labelId` → "label", `helpCenterId` → "help center", `team_id` → "team".
    static func role(ofPathName name: String) -> String {
        for suffix in ["Id", "_id"] where name.hasSuffix(suffix) && name.count > suffix.count {
            return words(String(name.dropLast(suffix.count)))
        }
        return words(name)
    }

    /// `userIds` → "users", `ids` → "ids".
    static func role(ofListName name: String) -> String {
        guard name.hasSuffix("Ids"), name.count > 3 else { return name }
        return words(String(name.dropLast(3))) + "s"
    }

    static func words(_ camel: String) -> String {
        var out = ""
        for ch in camel {
            if ch == "_" { if !out.isEmpty && !out.hasSuffix(" ") { out += " " }; continue }
            if ch.isUppercase, !out.isEmpty, !out.hasSuffix(" ") { out += " " }
            out += ch.lowercased()
        }
        return out
    }

    /// A body field that is a list of ids (`ids`, `userIds`, …).
    static func isIdList(_ key: String, _ value: JSON) -> Bool {
        guard key == "ids" || key.hasSuffix("Ids"), case .array(let a) = value else { return false }
        return a.allSatisfy { idText($0) != nil }
    }

    static func idText(_ v: JSON) -> String? {
        switch v {
        case .string(let s): return s
        case .int(let n): return String(n)
        default: return nil
        }
    }
}
