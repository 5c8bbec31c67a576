import DeskCatalog
import DeskCore
import Foundation
import JSONValue
import ShellCore

/// What a dry run recorded: the write and destructive calls a runbook would
/// make, and where (runbook, parameters, target). A plan is data, never
/// authority: `zdsh apply` re-derives every call from its method and path,
/// re-validates it and checks it against apply's own policy; the signature
/// only tells an edited or foreign plan apart early (see PlanSignature).
package struct Plan: Sendable {
    package static let version: Int64 = 2

    /// The run id of the dry run that made it; apply journals under it.
    package var id: String
    /// Absolute path of the runbook (nil for `eval`).
    package var runbook: String?
    package var sha256: String?
    package var parameters: JSON
    package var target: PlanTarget
    package var calls: [CallRecord]
    /// What the simulator said it did not model while the plan was made
    /// (`SimUnmodelledWatch`): the plan rests on answers it made up there.
    package var simUnmodelled: [SimUnmodelledWatch.Entry] = []
    /// An undo plan: the run it reverts (UndoPlan.swift), and what of that
    /// run it does not revert, one line each.
    package var reverts: String?
    package var notUndone: [String] = []

    package init(id: String, runbook: String?, sha256: String?, parameters: JSON, target: PlanTarget, calls: [CallRecord]) {
        self.id = id; self.runbook = runbook; self.sha256 = sha256
        self.parameters = parameters; self.target = target; self.calls = calls
    }

    package var json: JSON {
        var o: [String: JSON] = [
            "version": .int(Self.version),
            "id": .string(id),
            "parameters": parameters,
            "target": target.json,
            "created": .string(UTCTimestamp.string()),
            "calls": .array(calls.map { c in
                var j = c.json.objectValue ?? [:]
                j["path_template"] = Catalog.shared.operation(id: c.operationId).map { .string($0.path) }
                return .object(j)
            }),
        ]
        if let runbook { o["runbook"] = .string(runbook) }
        if let sha256 { o["sha256"] = .string(sha256) }
        if !simUnmodelled.isEmpty { o["sim_unmodelled"] = SimUnmodelledWatch.json(simUnmodelled) }
        if let reverts { o["reverts"] = .string(reverts) }
        if reverts != nil { o["not_undone"] = .array(notUndone.map(JSON.string)) }
        return .object(o)
    }

    /// Destructive operations first, per operation with method, path, ids
    /// by role and the fields writes set (see PlanRenderer).
    package func render() -> String {
        let lines = SimUnmodelledWatch.describe(simUnmodelled)
        guard !lines.isEmpty else { return PlanRenderer(calls: calls).render() }
        return PlanRenderer(calls: calls).render() + "\n  made from answers the simulator did not model:\n"
            + lines.map { "    " + $0 }.joined(separator: "\n")
    }

    package static func load(path: String) throws -> JSON {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              (attributes[.size] as? NSNumber)?.intValue ?? 0 <= 64 << 20 else {
            throw UsageError("cannot read plan \(path) (missing, or larger than 64 MB)")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read plan \(path)") }
        do { return try JSON.parse(Array(data)) } catch { throw UsageError("plan \(path) is not valid JSON: \(error)") }
    }
}

/// Where a plan's calls go: the built-in simulator (with its fixture) or a
/// stored profile and org. Apply uses it unless told otherwise, and refuses
/// a different one.
package struct PlanTarget: Sendable, Equatable {
    package var simulator: Bool
    package var fixture: String?
    package var profile: String
    package var org: String?

    package init(simulator: Bool, fixture: String?, profile: String, org: String?) {
        self.simulator = simulator; self.fixture = fixture; self.profile = profile; self.org = org
    }

    package var json: JSON {
        var o: [String: JSON] = ["simulator": .bool(simulator), "profile": .string(profile)]
        if let fixture { o["fixture"] = .string(fixture) }
        if let org { o["org"] = .string(org) }
        return .object(o)
    }

    package init?(json: JSON?) {
        guard case .object(let o)? = json, case .bool(let sim)? = o["simulator"], let profile = o["profile"]?.stringValue else { return nil }
        simulator = sim; self.profile = profile
        fixture = o["fixture"]?.stringValue; org = o["org"]?.stringValue
    }

    /// "the simulator (fixture F)" / "profile prod, org 123 — PRODUCTION".
    package var described: String {
        if simulator { return "the built-in simulator" + (fixture.map { " (fixture \(Terminal.visible($0)))" } ?? " (demo org)") }
        return "profile \(Terminal.visible(profile))" + (org.map { ", org \(Terminal.visible($0))" } ?? "") + " — a real Zoho Desk org"
    }
}
