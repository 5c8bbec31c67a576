import DeskCatalog
import DeskCore
import Foundation
import JSONValue

/// `zdsh apply PLAN`: sends exactly the calls a dry run recorded — after
/// confirmation, and only if the runbook, parameters, profile and org are
/// still those the plan was made with.
public struct PlanApplier {
    public var planPath: String
    public var options: Runner.Options

    public init(planPath: String, options: Runner.Options) {
        self.planPath = planPath; self.options = options
    }

    public func apply() async -> ExitStatus {
        do { return try await applyThrowing() } catch let e as UsageError {
            Terminal.error("zdsh: \(e)")
            return .usage
        } catch let e as PlanRefusal {
            Terminal.error("zdsh: refusing to apply \(planPath): \(Terminal.visible(e.reason))")
            return .denied
        } catch let e as DeskError {
            Terminal.error("zdsh: \(e)")
            return .apiError
        } catch {
            Terminal.error("zdsh: \(error)")
            return .luaError
        }
    }

    struct PlanRefusal: Error { let reason: String }

    private func applyThrowing() async throws -> ExitStatus {
        let plan = try Plan.load(path: planPath)
        guard plan["version"] == 1, let calls = plan["calls"]?.arrayValue else { throw UsageError("\(planPath) is not a zdsh plan") }

        if let runbook = plan["runbook"]?.stringValue {
            guard let data = FileManager.default.contents(atPath: runbook) else {
                throw PlanRefusal(reason: "the runbook \(runbook) it was made from is gone")
            }
            let sha = RunbookSpec.sha256(String(decoding: data, as: UTF8.self))
            if sha != plan["sha256"]?.stringValue {
                throw PlanRefusal(reason: "\(runbook) changed since the plan was made (sha256 \(sha.prefix(12))… ≠ \(plan["sha256"]?.stringValue?.prefix(12) ?? "?")…); make a new plan")
            }
            if !options.parameters.isEmpty {
                let spec = try RunbookInspector.spec(file: runbook)
                let given = try spec.convert(options.parameters)
                if given != plan["parameters"] {
                    throw PlanRefusal(reason: "the parameters differ from the plan's \(plan["parameters"]?.encoded() ?? "{}")")
                }
            }
        }

        let backend: Backend
        if options.sim {
            backend = try Backend.simulator(fixture: options.fixture, verbose: options.verbose)
        } else {
            backend = try await Backend.profile(options.profile, orgId: options.org, verbose: options.verbose)
        }
        if let planned = plan["profile"]?.stringValue, planned != backend.profile {
            throw PlanRefusal(reason: "it was made for profile \(planned), not \(backend.profile)")
        }
        if let planned = plan["org"]?.stringValue, let org = backend.orgId, planned != org {
            throw PlanRefusal(reason: "it was made for org \(planned), not \(org)")
        }

        var policy = Policy(grants: try (options.allow + (plan["grants"]?.arrayValue?.compactMap(\.stringValue) ?? []))
            .map(Policy.Pattern.init))
        if let file = options.policyFile { policy.grants += try Policy.load(file: file).grants }
        var prepared: [(JSON, DeskCatalog.Operation?)] = []
        for c in calls {
            let op = c["operation"]?.stringValue.flatMap { Catalog.shared.operation(id: $0) }
            if let op, let refusal = policy.decide(operation: op, calledAs: c["called_as"]?.stringValue ?? op.id).refusal {
                throw PlanRefusal(reason: "\(refusal.reason); allow it with \(refusal.remedy)")
            }
            prepared.append((c, op))
        }

        Terminal.error("Applying \(calls.count) planned call\(calls.count == 1 ? "" : "s") from \(planPath) to \(backend.profile)\(backend.orgId.map { " (org \($0))" } ?? "").")
        if !options.yes {
            guard options.interactive else { throw PlanRefusal(reason: "no terminal to confirm on; pass --yes") }
            Terminal.prompt("Proceed? [y/N] ")
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard answer == "y" || answer == "yes" else { throw PlanRefusal(reason: "not confirmed") }
        }

        let audit = try AuditLog(path: options.auditPath ?? AuditLog.defaultPath())
        var sent = 0
        for (c, op) in prepared {
            guard let method = c["method"]?.stringValue, let path = c["path"]?.stringValue else { continue }
            let query = (c["query"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
            var record: [String: JSON] = ["phase": "intent", "plan": .string(planPath), "method": .string(method), "path": .string(path),
                                          "operation": c["operation"] ?? .null, "profile": .string(backend.profile),
                                          "time": .string(UTCTimestamp.string()), "dry_run": false]
            audit.append(.object(record))
            do {
                _ = try await backend.client.raw(method: method, path: path, query: query, body: c["body"])
                record["phase"] = "outcome"; record["status"] = .int(200)
                audit.append(.object(record))
                sent += 1
            } catch let e as DeskError {
                record["phase"] = "outcome"; record["status"] = e.status.map { .int(Int64($0)) } ?? .null
                record["error_code"] = e.errorCode.map(JSON.string) ?? .null
                audit.append(.object(record))
                Terminal.error("zdsh: applied \(sent) of \(calls.count); \(Terminal.visible(op?.id ?? path)) failed")
                throw e
            }
        }
        Terminal.error("zdsh: applied \(sent) call\(sent == 1 ? "" : "s")")
        return .ok
    }
}
