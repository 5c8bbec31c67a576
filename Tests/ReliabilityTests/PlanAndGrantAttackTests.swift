import DeskSim
import Foundation
import JSONValue
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// Issue 13 §1, §2, §4 as an attacker tries them, end to end: zdsh
/// subprocesses against a served simulator, asserting the server's state and
/// request log. Plans are forged both without the signing key (refused by
/// the signature) and with it (an attacker who stole the key): the second
/// kind must still be refused by apply's own re-derivation.
final class PlanAndGrantAttackTests: ServedSimulatorTestCase {
    static let ticket = "1892000000220001"
    static let profile = "1892000000100004", otherProfile = "1892000000100002"
    static let hc = "1892000000150001", label = "1892000000190001"

    override class var tag: String { "attack" }

    var profileExists: Bool { sim.resource("profiles").contains { $0["id"]?.stringValue == Self.profile } }

    /// A plan from a harmless ticket update, made by zdsh itself.
    func harmlessPlan() throws -> (path: String, json: [String: JSON]) {
        let book = try write("update.lua", """
            return runbook {
              name = "touch-ticket",
              writes = { "desk.tickets.update" },
              params = { ticket = { type = "id", required = true } },
              main = function(p) desk.tickets.update(p.ticket, { subject = "touched" }) end,
            }
            """)
        let plan = home + "/plan.json"
        let r = try zdsh(["run", book, "--param", "ticket=\(Self.ticket)", "--dry-run", "--plan-out", plan])
        XCTAssertEqual(r.status, 0, r.stderr)
        guard case .object(let o) = try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: plan)))) else {
            throw XCTSkip("no plan")
        }
        return (plan, o)
    }

    /// Writes `json`, signed with this user's key when `signed` (the stolen-key case).
    func forge(_ json: [String: JSON], signed: Bool, name: String = "forged.json") throws -> String {
        var o = json
        o["signature"] = nil
        var out: JSON = .object(o)
        if signed { out = try PlanSignature.sign(out, keyPath: home + "/state/zdsh/plan.key") }
        return try write(name, out.encoded(.pretty))
    }

    func call(_ plan: [String: JSON], _ edit: (inout [String: JSON]) -> Void) -> [String: JSON] {
        var p = plan
        var c = p["calls"]!.arrayValue![0].objectValue!
        edit(&c)
        p["calls"] = .array([.object(c)])
        return p
    }

    func testForgedPlansAreRefusedWholeAndSendNothing() throws {
        let (_, plan) = try harmlessPlan()
        sim.clearRequestLog()
        let toDelete = call(plan) {
            $0["method"] = "POST"; $0["path"] = .string("/api/v1/profiles/\(Self.profile)/delete")
            $0["body"] = ["transferToProfileId": .string(Self.otherProfile)]
        }
        var noOperation = call(plan) {
            $0["operation"] = nil; $0["method"] = "POST"; $0["path"] = "/api/v1/recycleBin/deleteAll"; $0["body"] = nil
        }
        noOperation["grants"] = ["*", "deleteAllEntities"]
        var withGrants = toDelete
        withGrants["grants"] = ["desk.profiles.delete"]
        let wrongIds = call(plan) { $0["ids"] = ["1"] }
        let wrongSafety = call(plan) { $0["safety"] = "read" }
        let outside = call(plan) { $0["method"] = "POST"; $0["path"] = "/api/v1/secret/wipe"; $0["operation"] = "updateTicket" }
        let badBody = call(plan) { $0["body"] = ["subject": .array([1, 2])] }
        let smuggledQuery = call(plan) { $0["query"] = ["deleteAll": "true"] }
        let cases: [(String, [String: JSON], String)] = [
            ("operation kept, path swapped", toDelete, "claims operation updateTicket"),
            ("operation removed", noOperation, "claims operation (none)"),
            ("plan grants", withGrants, "claims operation updateTicket"),
            ("ids disagree", wrongIds, "lists ids"),
            ("safety disagrees", wrongSafety, "recorded as read"),
            ("path outside the catalog", outside, "resolves to no Zoho Desk operation"),
            ("invalid body", badBody, "does not accept"),
            ("unknown query", smuggledQuery, "does not accept"),
        ]
        for (name, forged, why) in cases {
            for signed in [false, true] {
                let path = try forge(forged, signed: signed)
                let r = try zdsh(["apply", path, "--yes"])
                XCTAssertEqual(r.status, 3, "\(name), signed \(signed): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains(signed ? why : "signature"), "\(name), signed \(signed): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains("nothing was sent"), r.stderr)
            }
        }
        XCTAssertTrue(mutating.isEmpty, "\(mutating)")
        XCTAssertTrue(profileExists)
    }

    func testOneBadCallRefusesTheWholePlan() throws {
        let (_, plan) = try harmlessPlan()
        sim.clearRequestLog()
        var p = plan
        let good = plan["calls"]!.arrayValue![0]
        var bad = good.objectValue!
        bad["method"] = "POST"; bad["path"] = .string("/api/v1/profiles/\(Self.profile)/delete")
        bad["operation"] = "deleteProfile"; bad["safety"] = "destructive"; bad["ids"] = [.string(Self.profile)]
        bad["body"] = ["transferToProfileId": .string(Self.otherProfile)]
        p["calls"] = [good, good, .object(bad)]
        let r = try zdsh(["apply", try forge(p, signed: true), "--yes"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("call 3") && r.stderr.contains("--allow desk.profiles.delete"), r.stderr)
        XCTAssertTrue(mutating.isEmpty, "the good calls before it were not sent either: \(mutating)")
        XCTAssertTrue(profileExists)
    }

    func testApplySendsTheRederivedCallOnceAndResumes() throws {
        let (path, _) = try harmlessPlan()
        sim.clearRequestLog()
        let first = try zdsh(["apply", path, "--yes"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(mutating.map(\.operationId), ["updateTicket"])
        XCTAssertEqual(sim.resource("tickets").first { $0["id"]?.stringValue == Self.ticket }?["subject"], "touched")
        let again = try zdsh(["apply", path, "--yes"])
        XCTAssertEqual(again.status, 2, again.stderr)
        XCTAssertTrue(again.stderr.contains("already applied"), again.stderr)
        XCTAssertEqual(mutating.count, 1)
        let forced = try zdsh(["apply", path, "--yes", "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(mutating.count, 2)
        // The audit log has the run's full context for each applied call.
        let audit = try String(contentsOfFile: home + "/audit.jsonl", encoding: .utf8)
        let applied = audit.split(separator: "\n").compactMap { try? JSON.parse(Array($0.utf8)) }.filter { $0["plan"] != nil }
        XCTAssertEqual(applied.count, 4)
        for r in applied {
            for key in ["run_id", "operator", "profile", "org", "runbook", "sha256", "ids", "operation"] {
                XCTAssertNotNil(r[key], "\(key) in \(r.encoded())")
            }
        }
    }

    /// A call Zoho refuses stops the apply with exit 5 and an audited
    /// outcome; applying again sends that call, not the plan from the top.
    func testApplyStopsAtAFailedCallAndResumesThere() throws {
        let (path, _) = try harmlessPlan()
        sim.clearRequestLog()
        sim.addFault(FaultRule(operation: "updateTicket", kind: .status(422, errorCode: "UNPROCESSABLE_ENTITY")))
        let failed = try zdsh(["apply", path, "--yes"])
        XCTAssertEqual(failed.status, 5, failed.stderr)
        XCTAssertTrue(failed.stderr.contains("applied 0 of 1") && failed.stderr.contains("resumes"), failed.stderr)
        XCTAssertFalse(failed.stderr.contains("[y/N]"), "no stray confirmation prompt: \(failed.stderr)")
        XCTAssertEqual(mutating.map(\.status), [422])
        let audit = try String(contentsOfFile: home + "/audit.jsonl", encoding: .utf8)
        let outcome = audit.split(separator: "\n").compactMap { try? JSON.parse(Array($0.utf8)) }
            .last { $0["plan"] != nil && $0["phase"] == "outcome" }
        XCTAssertEqual(outcome?["status"], 422)
        let resumed = try zdsh(["apply", path, "--yes"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(mutating.map(\.status), [422, 200])
        XCTAssertEqual(sim.resource("tickets").first { $0["id"]?.stringValue == Self.ticket }?["subject"], "touched")
    }

    func testApplyRefusesAnotherTarget() throws {
        let (path, _) = try harmlessPlan()
        let r = try Zdsh.run(["apply", path, "--yes", "--sim"], env: env)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("not the simulator"), r.stderr)
    }

    func testRawRequestPlansAreCheckedAsTheOperationTheyCall() throws {
        let book = try write("raw.lua", """
            return runbook {
              name = "raw",
              destructive = { "desk.profiles.delete" },
              main = function()
                desk.request("POST", "/api/v1/profiles/\(Self.profile)/delete", { body = { transferToProfileId = "\(Self.otherProfile)" } })
              end,
            }
            """)
        let plan = home + "/raw-plan.json"
        XCTAssertEqual(try zdsh(["run", book, "--dry-run", "--plan-out", plan]).status, 0)
        let refused = try zdsh(["apply", plan, "--yes"])
        XCTAssertEqual(refused.status, 3, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--allow desk.profiles.delete"), refused.stderr)
        XCTAssertTrue(mutating.isEmpty)
        let applied = try zdsh(["apply", plan, "--yes", "--allow", "deleteProfile"])
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(mutating.map(\.operationId), ["deleteProfile"])
        XCTAssertFalse(profileExists)
    }

    func testNoMasterKeys() throws {
        let delete = "return desk.request('POST', '/api/v1/profiles/\(Self.profile)/delete', { body = { transferToProfileId = '\(Self.otherProfile)' } })"
        for grant in ["desk.request", "*", "*.*", "desk.*", "desk.api.*", "desk.nothing.here"] {
            let r = try zdsh(["eval", delete, "--yes", "--allow", grant])
            XCTAssertEqual(r.status, 2, "\(grant): \(r.stderr)")
        }
        let raw = try zdsh(["eval", delete, "--yes"])
        XCTAssertEqual(raw.status, 3, raw.stderr)
        XCTAssertTrue(raw.stderr.contains("--allow desk.profiles.delete"), raw.stderr)
        // A runbook declaring the escape hatch gets nothing from it.
        let book = try write("declares-request.lua", """
            return runbook { name = "sneaky", destructive = { "desk.request" }, main = function() \(delete.replacingOccurrences(of: "return ", with: "")) end }
            """)
        let declared = try zdsh(["run", book, "--yes", "--allow-all-destructive"])
        XCTAssertEqual(declared.status, 2, declared.stderr)
        XCTAssertTrue(declared.stderr.contains("names no destructive operation"), declared.stderr)
        // Declared next to a real operation, the raw route is still checked as what it calls.
        let book2 = try write("declares-labels.lua", """
            return runbook { name = "sneaky2", destructive = { "helpcenter.labels.delete" }, main = function() \(delete.replacingOccurrences(of: "return ", with: "")) end }
            """)
        let other = try zdsh(["run", book2, "--yes", "--allow-all-destructive"])
        XCTAssertEqual(other.status, 3, other.stderr)
        XCTAssertTrue(other.stderr.contains("does not declare"), other.stderr)
        // Outside the catalog: only a route grant naming method and path.
        let outside = "return desk.request('POST', '/api/v1/custom/42/wipe', { body = { all = true } })"
        let hint = try zdsh(["eval", outside, "--yes"])
        XCTAssertEqual(hint.status, 3, hint.stderr)
        XCTAssertTrue(hint.stderr.contains("--allow 'POST /api/v1/custom/*/wipe'"), hint.stderr)
        XCTAssertEqual(try zdsh(["eval", outside, "--yes", "--allow", "deleteProfile"]).status, 3)
        XCTAssertEqual(try zdsh(["eval", outside, "--yes", "--allow", "GET /api/v1/custom/*/wipe"]).status, 3)
        XCTAssertTrue(mutating.isEmpty && profileExists)
        XCTAssertFalse(sim.requestLog.contains { $0.path.contains("/custom/") }, "nothing outside the catalog was sent")
        // The explicit master key works, and only as spelled.
        let all = try zdsh(["eval", delete, "--yes", "--allow-all-destructive"])
        XCTAssertEqual(all.status, 0, all.stderr)
        XCTAssertFalse(profileExists)
    }

    /// Issue 13 §3: a "write" whose arguments make it destructive is denied
    /// without a grant, whatever route reached it; plans and audit name the rule.
    func testDestructiveEffectsThroughWritesNeedTheirGrant() throws {
        let agent = "1892000000130002", user = "1892000000180001", contact = "1892000000160001"
        let cases: [(String, String, String)] = [
            ("desk.api.updateAgent{ agentId = '\(agent)', status = 'DISABLED' }", "updateAgent", "agent-disabled"),
            ("desk.request('PATCH', '/api/v1/agents/\(agent)', { body = { status = 'DISABLED' } })", "updateAgent", "agent-disabled"),
            ("desk.api.updateUserDetails{ userId = '\(user)', status = 'DELETED' }", "updateUserDetails", "user-deleted-or-disabled"),
            ("desk.api.markContactsAsSpam{ ids = { '\(contact)' }, isSpam = true }", "markContactsAsSpam", "contacts-marked-spam"),
        ]
        let audit = home + "/effects.jsonl"
        for (code, op, rule) in cases {
            sim.clearRequestLog()
            let denied = try Zdsh.run(["eval", "return " + code, "--yes", "--profile", "attack", "--audit", audit], env: env)
            XCTAssertEqual(denied.status, 3, "\(code): \(denied.stderr)")
            XCTAssertTrue(denied.stderr.contains(rule), "\(code) names its rule: \(denied.stderr)")
            XCTAssertTrue(mutating.isEmpty, "\(code): \(mutating)")
            let dry = try Zdsh.run(["eval", "return " + code, "--dry-run", "--profile", "attack", "--audit", audit], env: env)
            XCTAssertEqual(dry.status, 0, dry.stderr)
            XCTAssertTrue(dry.stderr.contains("DESTRUCTIVE"), dry.stderr)
            let allowed = try Zdsh.run(["eval", "return " + code, "--yes", "--allow", op, "--profile", "attack", "--audit", audit], env: env)
            XCTAssertNotEqual(allowed.status, 3, "\(code) with --allow \(op): \(allowed.stderr)")
        }
        let records = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n").compactMap { try? JSON.parse(Array($0.utf8)) }
        XCTAssertTrue(records.contains { $0["phase"] == "denied" && $0["rule"] == "agent-disabled" }, "denials are audited with their rule")
        XCTAssertTrue(records.contains { $0["phase"] == "outcome" && $0["rule"] == "agent-disabled" && $0["safety"] == "destructive" })
        // The same operation without the effect stays a write.
        let plain = try zdsh(["eval", "return desk.api.updateAgent{ agentId = '\(agent)', status = 'ACTIVE' }", "--yes"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
    }

    func testDryRunSendsNothingOutsideTheCatalog() throws {
        let r = try zdsh(["eval", "--dry-run", "return desk.request('GET', '/api/v1/custom/secret')"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(sim.requestLog.contains { $0.path.contains("/custom/") })
    }

    func testDestructiveCapCountsRecords() throws {
        let users = sim.resource("labelUsers").filter { $0["labelId"]?.stringValue == Self.label }
            .compactMap { $0["userId"]?.stringValue }
        XCTAssertGreaterThanOrEqual(users.count, 2)
        let list = users.map { "'\($0)'" }.joined(separator: ", ")
        let code = "return helpcenter.labels.remove_users('\(Self.hc)', '\(Self.label)', { \(list) })"
        let capped = try zdsh(["eval", code, "--yes", "--allow", "helpcenter.labels.*", "--max-destructive", "\(users.count - 1)"])
        XCTAssertEqual(capped.status, 3, capped.stderr)
        XCTAssertTrue(capped.stderr.contains("destructive cap of \(users.count - 1) records"), capped.stderr)
        XCTAssertTrue(mutating.isEmpty)
        let fits = try zdsh(["eval", code, "--yes", "--allow", "helpcenter.labels.*", "--max-destructive", "\(users.count)"])
        XCTAssertEqual(fits.status, 0, fits.stderr)
        XCTAssertEqual(mutating.count, 1)
    }

    func testUnboundedCallsExceedAnyCap() throws {
        let code = "return desk.api.deleteAllEntities()"
        let r = try zdsh(["eval", code, "--yes", "--allow", "deleteAllEntities", "--max-destructive", "100000"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("--allow-unbounded"), r.stderr)
        XCTAssertTrue(mutating.isEmpty)
        let allowed = try zdsh(["eval", code, "--yes", "--allow", "deleteAllEntities", "--allow-unbounded"])
        XCTAssertNotEqual(allowed.status, 3, allowed.stderr)
        XCTAssertEqual(mutating.map(\.operationId), ["deleteAllEntities"])
    }
}
