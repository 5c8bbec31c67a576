import DeskCatalog
import DeskCore
import Foundation
import JSONValue

/// What a dry run recorded: the write and destructive calls a runbook would
/// make, with everything `zdsh apply` needs to make exactly those calls
/// later — and to refuse when the runbook, parameters, profile or org changed.
public struct Plan: Sendable {
    public var runbook: String?
    public var sha256: String?
    public var parameters: JSON
    public var profile: String
    public var orgId: String?
    public var grants: [String]
    public var calls: [CallRecord]

    public var json: JSON {
        var o: [String: JSON] = [
            "version": 1,
            "parameters": parameters,
            "profile": .string(profile),
            "grants": .array(grants.map(JSON.string)),
            "created": .string(UTCTimestamp.string()),
            "calls": .array(calls.map { c in
                var j = c.json.objectValue ?? [:]
                j["path_template"] = Catalog.shared.operation(id: c.operationId).map { .string($0.path) }
                return .object(j)
            }),
        ]
        if let runbook { o["runbook"] = .string(runbook) }
        if let sha256 { o["sha256"] = .string(sha256) }
        if let orgId { o["org"] = .string(orgId) }
        return .object(o)
    }

    /// Destructive operations first, with counts per operation and the ids involved.
    /// Ids, names and notes came from the runbook (or a plan file) and are
    /// shown escaped, one field per line: none can hide or forge a line.
    public func render() -> String {
        if calls.isEmpty { return "Plan: no write or destructive calls." }
        var lines = ["Plan (dry run — nothing was sent):"]
        for safety in [Safety.destructive, .write] {
            let group = calls.filter { $0.safety == safety }
            guard !group.isEmpty else { continue }
            lines.append("  \(safety == .destructive ? "DESTRUCTIVE" : "writes") (\(group.count) call\(group.count == 1 ? "" : "s")):")
            var order: [String] = []
            var byOp: [String: [CallRecord]] = [:]
            for c in group {
                if byOp[c.calledAs] == nil { order.append(c.calledAs) }
                byOp[c.calledAs, default: []].append(c)
            }
            for name in order {
                let cs = byOp[name]!
                var seen = Set<String>()
                let ids = cs.flatMap(\.ids).filter { seen.insert($0).inserted }.map { Terminal.visible($0) }
                let shown = ids.prefix(20).joined(separator: ", ") + (ids.count > 20 ? ", … (\(ids.count) ids)" : "")
                lines.append("    \(Terminal.visible(name)) ×\(cs.count)  [\(Terminal.visible(cs[0].method)) \(Terminal.visible(cs[0].operationId))]"
                             + (ids.isEmpty ? "" : "  ids: \(shown)"))
                if let note = cs.compactMap(\.message).first { lines.append("      \(Terminal.visible(note))") }
            }
        }
        return lines.joined(separator: "\n")
    }

    public static func load(path: String) throws -> JSON {
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read plan \(path)") }
        do { return try JSON.parse(Array(data)) } catch { throw UsageError("plan \(path) is not valid JSON: \(error)") }
    }
}
