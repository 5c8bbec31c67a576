import DeskSim
import Foundation
import JSONValue
import TestSupport
import XCTest

/// Issue 25 §3, §4, §7, §9 as a user meets them, end to end: zdsh
/// subprocesses (no terminal: stdin is not a tty) against a served
/// simulator, asserting the server's state and request log — nothing sent
/// where a call is refused.
final class WriteGuardTests: ServedSimulatorTestCase {
    static let department = "1892000000120001"
    static let ticket = "1892000000220001"
    static let agent = "1892000000130002", team = "1892000000140001"
    static let profile = "1892000000100004", article = "1892000000270001"

    override class var tag: String { "writes" }
    override class var timeout: Double { 90 }

    func field(_ resource: String, _ id: String, _ name: String) -> JSON? {
        sim.resource(resource).first { $0["id"]?.stringValue == id }?[name]
    }

    var openTickets: Int { sim.resource("tickets").filter { $0["statusType"]?.stringValue != "Closed" }.count }

    /// Every open ticket, closed in one call (the seen case).
    static let closeAll = """
        local ids = {}
        for _, t in ipairs(desk.tickets.list{ limit = 100 }) do
          if t.statusType ~= "Closed" then ids[#ids + 1] = t.id end
        end
        desk.tickets.close(ids)
        return #ids
        """

    // MARK: - §3 bulk writes

    func testBulkCloseWithoutATerminalIsRefusedAndSendsNothing() throws {
        let open = openTickets
        XCTAssertGreaterThan(open, 10, "the demo org has more open tickets than the threshold")
        sim.clearRequestLog()
        let r = try zdsh(["eval", "--max-destructive", "1", Self.closeAll])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("need confirmation"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--yes"), r.stderr)
        XCTAssertEqual(mutating.count, 0, "nothing of the close was sent: \(mutating)")
        XCTAssertEqual(openTickets, open)
    }

    func testYesSkipsTheConfirmationButNeverTheWriteCap() throws {
        let open = openTickets
        sim.clearRequestLog()
        let capped = try zdsh(["eval", "--yes", "--max-writes", "5", Self.closeAll])
        XCTAssertEqual(capped.status, 3, capped.stderr)
        XCTAssertTrue(capped.stderr.contains("write cap of 5 records"), capped.stderr)
        XCTAssertEqual(mutating.count, 0, "\(mutating)")
        XCTAssertEqual(openTickets, open)

        let confirmed = try zdsh(["eval", "--yes", Self.closeAll])
        XCTAssertEqual(confirmed.status, 0, confirmed.stderr)
        XCTAssertEqual(mutating.map(\.operationId), ["closeTickets"])
        XCTAssertEqual(openTickets, 0)
    }

    func testTheCapCountsRecordsNotRequestsAndTheThresholdAsksAtTheCallThatCrossesIt() throws {
        // Ten single-record updates pass without a question; the eleventh record asks,
        // and with no terminal it is refused — the ten before it went out.
        let code = """
            local n = 0
            for _, t in ipairs(desk.tickets.list{ limit = 11 }) do
              desk.tickets.update(t.id, { priority = "Low" }); n = n + 1
            end
            return n
            """
        sim.clearRequestLog()
        let r = try zdsh(["eval", code])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertEqual(mutating.count, 10, "the call crossing 10 records was not sent: \(mutating.count)")

        // Three records in one request count as three against --max-writes.
        sim.clearRequestLog()
        let ids = sim.resource("tickets").prefix(3).compactMap { $0["id"]?.stringValue }
        let three = "desk.tickets.close({\(ids.map { "\"\($0)\"" }.joined(separator: ","))})"
        let over = try zdsh(["eval", "--max-writes", "2", three])
        XCTAssertEqual(over.status, 3, over.stderr)
        XCTAssertEqual(mutating.count, 0)
        let within = try zdsh(["eval", "--max-writes", "3", three])
        XCTAssertEqual(within.status, 0, within.stderr)
        XCTAssertEqual(mutating.count, 1)
    }

    func testTheReplAsksAtTheWriteThatCrossesTheThresholdAndRefusesWithoutATerminal() throws {
        let ids = sim.resource("tickets").prefix(11).compactMap { $0["id"]?.stringValue }
        let input = ids.map { "desk.tickets.update('\($0)', { priority = 'Low' })" }.joined(separator: "\n") + "\n"
        sim.clearRequestLog()
        let r = try ChildProcess.run(Zdsh.binary, ["repl", "--profile", "writes", "--audit", home + "/audit.jsonl"],
                                     environment: served.env, input: .data(Data(input.utf8)), timeout: 90)
        XCTAssertTrue(r.err.contains("no terminal to confirm on"), r.err)
        XCTAssertEqual(mutating.count, 10, "the eleventh record was not sent: \(mutating.count)")
        XCTAssertNotEqual(field("tickets", ids[10], "priority")?.stringValue, "Low")
    }

    func testAPolicyFileCapsWritesPerProfile() throws {
        let policy = try served.write("policy.json", #"{"max_writes": 100, "profiles": {"writes": {"max_writes": 2}}}"#)
        sim.clearRequestLog()
        let r = try zdsh(["eval", "--policy", policy, "--yes", Self.closeAll])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("write cap of 2 records"), r.stderr)
        XCTAssertEqual(mutating.count, 0)
    }

    func testRunbooksDeclareTheirWritesAndConfirmThemAtTheStart() throws {
        let undeclared = try served.write("undeclared.lua", """
            return runbook { name = "touch", main = function() desk.tickets.update("\(Self.ticket)", { priority = "Low" }) end }
            """)
        sim.clearRequestLog()
        let refused = try zdsh(["run", undeclared, "--yes"])
        XCTAssertEqual(refused.status, 3, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("writes list"), refused.stderr)
        XCTAssertEqual(mutating.count, 0)

        let declared = try served.write("declared.lua", """
            return runbook { name = "touch", writes = { "desk.tickets.update" },
              main = function() desk.tickets.update("\(Self.ticket)", { priority = "Low" }) end }
            """)
        let noTerminal = try zdsh(["run", declared])
        XCTAssertEqual(noTerminal.status, 3, "writes with no cap ask at the start: \(noTerminal.stderr)")
        XCTAssertTrue(noTerminal.stderr.contains("refusing to start"), noTerminal.stderr)
        XCTAssertEqual(mutating.count, 0)

        let capped = try zdsh(["run", declared, "--max-writes", "10"])
        XCTAssertEqual(capped.status, 0, "a cap of at most 10 bounds them: \(capped.stderr)")
        XCTAssertEqual(mutating.map(\.operationId), ["updateTicket"])
        XCTAssertEqual(field("tickets", Self.ticket, "priority")?.stringValue, "Low")
    }

    func testTheStdlibCloseRunbookDeclaresItsWrite() throws {
        let open = openTickets
        sim.clearRequestLog()
        let book = Zdsh.stdlib + "/examples/close_stale_tickets.lua"
        let refused = try zdsh(["run", book, "--param", "department=\(Self.department)"])
        XCTAssertEqual(refused.status, 3, refused.stderr)
        XCTAssertEqual(mutating.count, 0)
        XCTAssertEqual(openTickets, open)
        let r = try zdsh(["run", book, "--param", "department=\(Self.department)", "--yes"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(mutating.map(\.operationId), ["closeTickets"])
    }

    // MARK: - §7 effects through fields

    func testFieldsThatTakeAccessAwayAreDestructive() throws {
        let cases: [(String, String)] = [
            ("agent-departments-replaced", "desk.agents.update('\(Self.agent)', { associatedDepartmentIds = desk.array{} })"),
            ("agent-permission-type-changed", "desk.agents.update('\(Self.agent)', { profileId = '\(Self.profile)', rolePermissionType = 'Light' })"),
            // Every permission of the profile switched off, as the review did it (290 → 0).
            ("profile-permission-revoked", """
                local p = desk.profiles.get('\(Self.profile)')
                local function off(t) for k, v in pairs(t) do if type(v) == 'table' then off(v) elseif type(v) == 'boolean' then t[k] = false end end end
                off(p.permissions)
                desk.profiles.update('\(Self.profile)', { permissions = p.permissions })
                """),
            ("team-agents-replaced", "desk.teams.update('\(Self.team)', { agents = desk.array{} })"),
            ("article-unpublished", "desk.articles.update('\(Self.article)', { status = 'Draft' })"),
            ("kb-section-visibility-narrowed", "desk.api.updateKBSection{ sectionId = '1892000000280001', visibility = 'NONE' }"),
            // The same through a raw request to the catalog path, and a nested body.
            ("team-agents-replaced", "desk.request('PATCH', '/api/v1/teams/\(Self.team)', { body = { agents = {} } })"),
            ("data-sharing-tickets-narrowed", "desk.api.updateDataSharingRules{ tickets = 'private' }"),
        ]
        let before = sim.state()
        for (rule, code) in cases {
            sim.clearRequestLog()
            let r = try zdsh(["eval", "--yes", code])
            XCTAssertEqual(r.status, 3, "\(code): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(rule), "\(code) names \(rule): \(r.stderr)")
            XCTAssertEqual(mutating.count, 0, "\(code) sent \(mutating)")
        }
        XCTAssertEqual(sim.state(), before, "no record changed")
        // Granted, the harmless neighbour still passes as a write.
        sim.clearRequestLog()
        let plain = try zdsh(["eval", "desk.agents.update('\(Self.agent)', { firstName = 'Sam' })"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertEqual(mutating.count, 1)
    }

    // MARK: - §7 deny for every class

    func testDenyRefusesWritesAndReadsInEvalAndRun() throws {
        sim.clearRequestLog()
        let write = try zdsh(["eval", "--deny", "desk.tickets.update", "desk.tickets.update('\(Self.ticket)', { priority = 'Low' })"])
        XCTAssertEqual(write.status, 3, write.stderr)
        XCTAssertTrue(write.stderr.contains("explicitly denied"), write.stderr)
        let read = try zdsh(["eval", "--deny", "desk.tickets.get", "return desk.tickets.get('\(Self.ticket)').id"])
        XCTAssertEqual(read.status, 3, read.stderr)
        let broad = try zdsh(["eval", "--deny", "desk.tickets.*", "desk.request('PATCH', '/api/v1/tickets/\(Self.ticket)', { body = { priority = 'Low' } })"])
        XCTAssertEqual(broad.status, 3, "a broad deny also covers the raw request: \(broad.stderr)")
        let policy = try served.write("deny.json", #"{"deny": ["updateTicket"]}"#)
        let book = try served.write("touch.lua", """
            return runbook { name = "touch", writes = { "desk.tickets.update" },
              main = function() desk.tickets.update("\(Self.ticket)", { priority = "Low" }) end }
            """)
        let run = try zdsh(["run", book, "--yes", "--policy", policy])
        XCTAssertEqual(run.status, 3, run.stderr)
        XCTAssertTrue(sim.requestLog.allSatisfy { $0.method == "GET" || $0.operationId == nil }, "\(sim.requestLog)")
        XCTAssertNotEqual(field("tickets", Self.ticket, "priority")?.stringValue, "Low")
    }

    func testADenyOnAReadZdshNeedsRefusesTheCallThatNeededIt() throws {
        sim.clearRequestLog()
        let r = try zdsh(["eval", "--dry-run", "--deny", "desk.tickets.get", "desk.tickets.update('\(Self.ticket)', { priority = 'Low' })"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("needs desk.tickets.get"), r.stderr)
        XCTAssertEqual(sim.requestLog.filter { $0.operationId == "getTicket" }.count, 0, "the denied read was not made")
    }

    func testDenyRefusesWritesInApply() throws {
        let book = try served.write("touch.lua", """
            return runbook { name = "touch", writes = { "desk.tickets.update" },
              main = function() desk.tickets.update("\(Self.ticket)", { priority = "Low" }) end }
            """)
        let plan = home + "/plan.json"
        let dry = try zdsh(["run", book, "--dry-run", "--plan-out", plan])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        sim.clearRequestLog()
        let r = try zdsh(["apply", plan, "--yes", "--deny", "desk.tickets.update"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("explicitly denied"), r.stderr)
        XCTAssertEqual(mutating.count, 0)
    }

    func testDenyRefusesWritesInMCP() throws {
        var input = Data()
        let messages: [[String: Any]] = [
            ["jsonrpc": "2.0", "id": 1, "method": "initialize",
             "params": ["protocolVersion": "2025-06-18", "capabilities": [:] as [String: Any], "clientInfo": ["name": "t", "version": "1"]]],
            ["jsonrpc": "2.0", "method": "notifications/initialized"],
            ["jsonrpc": "2.0", "id": 2, "method": "tools/call",
             "params": ["name": "run_lua", "arguments": ["code": "return desk.tickets.update('\(Self.ticket)', { priority = 'Low' })", "dry_run": false]]],
            // A dry run plans it with the deny noted; apply_plan would refuse it.
            ["jsonrpc": "2.0", "id": 3, "method": "tools/call",
             "params": ["name": "run_lua", "arguments": ["code": "return desk.tickets.update('\(Self.ticket)', { priority = 'Low' })"]]],
        ]
        for m in messages { input += try JSONSerialization.data(withJSONObject: m) + Data("\n".utf8) }
        sim.clearRequestLog()
        let r = try ChildProcess.run(Zdsh.binary, ["mcp", "--profile", "writes", "--deny", "desk.tickets.update", "--audit", home + "/audit.jsonl"],
                                     environment: served.env, input: .data(input), timeout: 90)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("explicitly denied"), r.out)
        XCTAssertTrue(r.out.contains("not allowed yet: remove the --deny/policy rule"), r.out)
        XCTAssertEqual(mutating.count, 0, "\(mutating)")
        XCTAssertNotEqual(field("tickets", Self.ticket, "priority")?.stringValue, "Low")
    }

    // MARK: - §7 broad grants

    func testAGrantAcrossResourceGroupsReachingDeletionsIsRefused() throws {
        sim.clearRequestLog()
        for pattern in ["desk.api.*e*", "desk.*.delete"] {
            let r = try zdsh(["eval", "--allow", pattern, "return 1"])
            XCTAssertEqual(r.status, 2, "\(pattern): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("resource groups"), r.stderr)
        }
        XCTAssertEqual(sim.requestLog.count, 0)
        let narrow = try zdsh(["eval", "--allow", "helpcenter.labels.*", "return 1"])
        XCTAssertEqual(narrow.status, 0, narrow.stderr)
        let deny = try zdsh(["eval", "--deny", "desk.api.*e*", "return 1"])
        XCTAssertEqual(deny.status, 0, "deny patterns may be broad: \(deny.stderr)")
    }

    // MARK: - §4 notify

    func testCustomerFacingCallsNeedTheirOwnGrant() throws {
        let reply = "desk.tickets.threads.send_reply('\(Self.ticket)', { channel = 'EMAIL', content = 'Hello', fromEmailAddress = 'support@example.com', to = 'c@example.com' })"
        sim.clearRequestLog()
        let ungranted = try zdsh(["eval", "--yes", reply])
        XCTAssertEqual(ungranted.status, 3, ungranted.stderr)
        XCTAssertTrue(ungranted.stderr.contains("outside the org"), ungranted.stderr)
        let master = try zdsh(["eval", "--yes", "--allow-all-destructive", reply])
        XCTAssertEqual(master.status, 3, "--allow-all-destructive does not grant notify: \(master.stderr)")
        XCTAssertTrue(master.stderr.contains("does not grant notify"), master.stderr)
        let comment = try zdsh(["eval", "--yes", "desk.tickets.comments.create('\(Self.ticket)', { content = 'hi', isPublic = true })"])
        XCTAssertEqual(comment.status, 3, comment.stderr)
        XCTAssertTrue(comment.stderr.contains("ticket-comment-public"), comment.stderr)
        XCTAssertEqual(mutating.count, 0, "\(mutating)")

        let privateComment = try zdsh(["eval", "--yes", "desk.tickets.comments.create('\(Self.ticket)', { content = 'hi', isPublic = false })"])
        XCTAssertEqual(privateComment.status, 0, privateComment.stderr)
        XCTAssertEqual(mutating.map(\.operationId), ["createTicketComment"])
        sim.clearRequestLog()
        let granted = try zdsh(["eval", "--yes", "--allow", "desk.tickets.threads.send_reply", reply])
        XCTAssertEqual(mutating.map(\.operationId), ["sendReply"], granted.stderr)
        XCTAssertTrue(granted.stderr.contains("1 notify"), "counted in the summary: \(granted.stderr)")
        let audit = (try? String(contentsOfFile: home + "/audit.jsonl", encoding: .utf8)) ?? ""
        XCTAssertTrue(audit.contains(#""notify":true"#), "audit records say notify")
    }

    func testApiListNotify() throws {
        let r = try Zdsh.run(["api", "list", "--notify"], env: served.env)
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["desk.tickets.threads.send_reply", "desk.contacts.invite_as_end_user", "desk.tickets.comments.create", "notify if body.isPublic = true",
                     "desk.articles.update", "/api/v1/communityTopics/{topicId}/publishDraft"] {
            XCTAssertTrue(r.stdout.contains(name), "\(name) in \(r.stdout)")
        }
        XCTAssertFalse(r.stdout.contains("desk.tickets.close"), "a close is a write")
        XCTAssertTrue(r.stderr.contains("16 operations"), r.stderr)
    }

    // MARK: - §9 optional operations

    func testOptionalOperationsAreGrantedWhenTheParametersCallThem() throws {
        let book = try served.write("offboard.lua", """
            return runbook {
              name = "offboard-agent",
              params = { agent = { type = "id", required = true }, deactivate = { type = "boolean", default = false } },
              writes = { "desk.agents.update" },
              destructive = { "desk.agents.deactivate" },
              optional = { ["desk.agents.deactivate"] = "deactivate" },
              main = function(p)
                desk.agents.update(p.agent, { firstName = "Leaving" })
                if p.deactivate then desk.agents.deactivate(p.agent) end
              end,
            }
            """)
        sim.clearRequestLog()
        let skipped = try zdsh(["run", book, "--param", "agent=\(Self.agent)", "--yes"])
        XCTAssertEqual(skipped.status, 0, "its branch is off: no grant needed: \(skipped.stderr)")
        XCTAssertEqual(mutating.map(\.operationId), ["updateAgent"])

        sim.clearRequestLog()
        let known = try zdsh(["run", book, "--param", "agent=\(Self.agent)", "--param", "deactivate=true", "--yes"])
        XCTAssertEqual(known.status, 3, "the parameters say it will be called: refused at the start: \(known.stderr)")
        XCTAssertTrue(known.stderr.contains("--allow desk.agents.deactivate"), known.stderr)
        XCTAssertEqual(mutating.count, 0, "nothing sent before the refusal")
    }

    func testAnOptionalOperationReachedWithoutItsGrantStopsWithTheResumeCommand() throws {
        let book = try served.write("maybe.lua", """
            return runbook {
              name = "maybe-deactivate",
              params = { agent = { type = "id", required = true } },
              writes = { "desk.agents.update" },
              destructive = { "desk.agents.deactivate" },
              optional = { "desk.agents.deactivate" },
              main = function(p)
                desk.agents.update(p.agent, { firstName = "Leaving" })
                desk.agents.deactivate(p.agent)
              end,
            }
            """)
        sim.clearRequestLog()
        let r = try zdsh(["run", book, "--param", "agent=\(Self.agent)", "--yes"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("--resume"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--allow desk.agents.deactivate"), r.stderr)
        XCTAssertEqual(mutating.map(\.operationId), ["updateAgent"], "stopped before the ungranted call")
    }
}
