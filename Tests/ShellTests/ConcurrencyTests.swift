import DeskCatalog
import DeskCore
import DeskSim
import Foundation
import JSONValue
import LuaHost
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// `desk.each` / `desk.parallel` against the in-process simulator: many
/// coroutines in flight, each suspended at its API call, with the call gate
/// (policy, caps, dry-run, audit, journal) and the sandbox limits behaving
/// exactly as in a sequential run.
final class ConcurrencyTests: XCTestCase {
    static let hc = "1892000000150001"      // DemoFixture.id(15, 1)
    static let label = "1892000000190001"   // DemoFixture.id(19, 1): the label bulk users carry
    static let removeOp = "removeLabelsFromUsers"

    /// Lua that builds the ids of the first `n` bulk label users (as strings).
    static func idsLua(_ n: Int) -> String {
        """
        local hc, label = "\(hc)", "\(label)"
        local ids = {}
        for n = 0, \(n - 1) do ids[#ids + 1] = string.format("%d", 1892100000000000 + n) end

        """
    }

    struct Harness {
        let sim: Simulator
        let session: Session
        var gate: CallGate { session.gate }
        let output: LockedText

        func run(_ source: String) -> Result<[RunValue], LuaError> { session.run(source, name: "=test") }

        /// Requests the simulator answered for `op` with `status` (nil: any).
        func requests(_ op: String, status: Int? = nil) -> Int {
            sim.requestLog.filter { $0.operationId == op && (status == nil || $0.status == status) }.count
        }

        /// Bulk users still carrying the label.
        var remainingBulkUsers: Int {
            sim.resource("labelUsers").filter {
                $0["labelId"]?.stringValue == ConcurrencyTests.label && ($0["userId"]?.stringValue ?? "").hasPrefix("18921")
            }.count
        }
    }

    final class LockedText: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func append(_ s: String) { lock.lock(); text += s; lock.unlock() }
        var value: String { lock.lock(); defer { lock.unlock() }; return text }
    }

    func makeHarness(labelUsers: Int = 0, allow: [String] = ["helpcenter.labels.remove_users"],
                     limits: Limits = .defaults, audit: AuditLog? = nil, journal: Journal? = nil,
                     settings configure: (inout CallGate.Settings) -> Void = { _ in }) throws -> Harness {
        let sim = Simulator(fixture: labelUsers > 0 ? .bulk(labelUsers: labelUsers) : .demo)
        var options = DeskClientOptions.fast(attempts: 8)
        options.limiter = ConcurrencyLimiter(limit: 10)   // private: tests run side by side
        let backend = Backend.simulator(sim, options: options)
        var settings = CallGate.Settings()
        settings.maxDestructive = 10_000
        configure(&settings)
        let output = LockedText()
        var recipe = SessionRecipe(client: backend.client, policy: Policy(grants: try allow.map(Policy.Pattern.init)))
        recipe.settings = settings
        recipe.audit = audit
        recipe.journal = journal
        recipe.limits = limits
        recipe.output = { output.append($0) }
        let session = try Session(recipe)
        return Harness(sim: sim, session: session, output: output)
    }

    func values(_ r: Result<[RunValue], LuaError>, file: StaticString = #filePath, line: UInt = #line) -> [JSON] {
        switch r {
        case .success(let v): return v.map { if case .json(let j) = $0 { return j } else { return .null } }
        case .failure(let e):
            XCTFail("run failed: \(e)", file: file, line: line)
            return []
        }
    }

    // MARK: - Bulk: 2,000 concurrent removals, exactly once

    func testTwoThousandConcurrentRemovalsAppliedExactlyOnceUnder429sAndLatency() throws {
        let h = try makeHarness(labelUsers: 2000)
        h.sim.setLatency(ms: 2, jitterMs: 3)
        h.sim.fail(op: Self.removeOp, status: 429, probability: 0.1, errorCode: "TOO_MANY_REQUESTS")
        XCTAssertEqual(h.remainingBulkUsers, 2000)

        let out = values(h.run(Self.idsLua(2000) + """
            local results, errors = desk.each(ids, function(id)
              return helpcenter.labels.remove_users(hc, label, { id })
            end, { concurrency = 10 })
            local ok = 0
            for i = 1, #ids do if results[i] == true then ok = ok + 1 end end
            return ok, errors == nil
            """))
        XCTAssertEqual(out, [2000, true])

        // Applied: every bulk user left the label…
        XCTAssertEqual(h.remainingBulkUsers, 0)
        // …and exactly once: 2,000 successful removals for 2,000 users, the
        // injected 429s retried (they change nothing in the simulator).
        XCTAssertEqual(h.requests(Self.removeOp, status: 204), 2000)
        XCTAssertGreaterThan(h.requests(Self.removeOp, status: 429), 50)
        XCTAssertEqual(h.gate.calls.count, 2000)
        XCTAssertTrue(h.gate.calls.allSatisfy { $0.outcome == .sent && $0.status == 204 })
        XCTAssertEqual(Set(h.gate.calls.flatMap(\.ids)).count, 2000 + 1)  // each user id, plus the label id
        // Bounded by the client's limiter, and really concurrent.
        XCTAssertLessThanOrEqual(h.sim.stats.peakInFlight, 10)
        XCTAssertGreaterThan(h.sim.stats.peakInFlight, 3)
    }

    // MARK: - N in flight, the others ready

    func testEachKeepsExactlyItsConcurrencyInFlightWithTheNextCallsReady() throws {
        let h = try makeHarness(labelUsers: 60)
        h.sim.setLatency(ms: 15)
        let out = values(h.run(Self.idsLua(60) + """
            local results = desk.each(ids, function(id)
              return helpcenter.labels.remove_users(hc, label, { id })
            end, { concurrency = 4 })
            local ok = 0
            for i = 1, #ids do if results[i] == true then ok = ok + 1 end end
            return ok
            """))
        XCTAssertEqual(out, [60])
        // The bound holds although twice as many workers run (the client's
        // own limiter is 10 here), and it is reached: a slot freed by an
        // answer is taken by a call that was ready.
        XCTAssertEqual(h.sim.stats.peakInFlight, 4)
        XCTAssertEqual(h.requests(Self.removeOp, status: 204), 60)
    }

    func testCallsWaitingForASlotWhenTheRunStopsAreNeitherSentNorInDoubt() throws {
        let path = NSTemporaryDirectory() + "zdsh-slots-\(UUID().uuidString).sqlite"
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let auditPath = path + ".audit.jsonl"
        defer { try? FileManager.default.removeItem(atPath: auditPath) }
        var limits = Limits.defaults
        limits.timeout = 1.5
        let h = try makeHarness(labelUsers: 6, limits: limits, audit: try AuditLog(path: auditPath),
                                journal: try Journal(path: path, runId: "stopped", resuming: false))
        h.sim.setLatency(ms: 1000)
        // t = 0: one read checks the label's help center; t = 1 s: two
        // removals go out, two more workers wait for a slot (audited as
        // intended); t = 1.5 s: the time limit stops the run.
        let result = h.run(Self.idsLua(6) + """
            desk.each(ids, function(id) return helpcenter.labels.remove_users(hc, label, { id }) end, { concurrency = 2 })
            return "finished"
            """)
        guard case .failure(.limit(.timeout, _)) = result else { return XCTFail("expected the time limit, got \(result)") }

        // In doubt for a resume: the two calls that were sent, not the two that waited.
        let resumed = try Journal(path: path, runId: "stopped", resuming: true)
        let calls = try (0..<6).map { n -> PreparedCall in
            let b = FriendlyNames.binding(named: "helpcenter.labels.remove_users")!
            let args: [JSON] = [.string(Self.hc), .string(Self.label), [.string(String(1892100000000000 + n))]]
            return try ArgumentBinder.bind(binding: b, operation: Catalog.shared.operation(id: b.operationId)!, arguments: args)[0]
        }
        XCTAssertEqual(calls.filter { resumed.outcomeUnknown($0) }.count, 2)

        // The two in flight are answered; the two that waited never go.
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(h.requests(Self.removeOp), 2)
        XCTAssertEqual(h.remainingBulkUsers, 4)
        let lines = try String(contentsOfFile: auditPath, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.contains("\"phase\":\"intent\"") }.count, 4)
        XCTAssertEqual(lines.filter { $0.contains("not sent: the run ended") }.count, 2)
    }

    // MARK: - Order, errors, parallel

    func testResultsComeBackInInputOrderWhateverTheCompletionOrder() throws {
        let h = try makeHarness()
        h.sim.setLatency(ms: 0, jitterMs: 25)   // completions out of order
        let out = values(h.run("""
            local tickets = desk.tickets.all()
            local ids = {}
            for i = 1, #tickets do ids[i] = tickets[i].id end
            local got = desk.each(ids, function(id, i)
              local t = desk.tickets.get(id)
              return { id = t.id, i = i }
            end, { concurrency = 8 })
            for i = 1, #ids do
              assert(got[i].id == ids[i] and got[i].i == i, "out of order at " .. i)
            end
            local p = desk.parallel{
              function() return desk.tickets.get(ids[3]).id end,
              function() return "local" end,
              function() return desk.tickets.get(ids[1]).id end,
            }
            return #ids, p[1] == ids[3] and p[2] == "local" and p[3] == ids[1]
            """))
        XCTAssertEqual(out.count, 2)
        XCTAssertGreaterThan(out.first?.intValue ?? 0, 3)
        XCTAssertEqual(out.last, true)
    }

    func testPerItemErrorsAreCollectedWithoutLosingTheOthers() throws {
        let h = try makeHarness()
        let out = values(h.run("""
            local tickets = desk.tickets.all()
            local ids = { tickets[1].id, "999999999", tickets[2].id, "888888888", tickets[3].id }
            local results, errors = desk.each(ids, function(id) return desk.tickets.get(id).id end, { concurrency = 5 })
            local lua_errors = select(2, desk.parallel{ function() return 1 end, function() error("boom") end })
            return results[1] == ids[1] and results[3] == ids[3] and results[5] == ids[5],
                   results[2] == nil and results[4] == nil,
                   errors[2].status, errors[4].status, errors[1] == nil,
                   tostring(lua_errors[2]):find("boom") ~= nil
            """))
        XCTAssertEqual(out, [true, true, 404, 404, true, true])
    }

    // MARK: - The gate inside workers

    func testPolicyDenialInsideWorkersSendsNothing() throws {
        let h = try makeHarness(labelUsers: 20, allow: [])
        let out = values(h.run(Self.idsLua(20) + """
            local results, errors = desk.each(ids, function(id)
              return helpcenter.labels.remove_users(hc, label, { id })
            end, { concurrency = 10 })
            local denied = 0
            for i = 1, #ids do if errors[i] and errors[i].code == "POLICY_DENIED" then denied = denied + 1 end end
            return denied, next(results) == nil
            """))
        XCTAssertEqual(out, [20, true])
        XCTAssertEqual(h.requests(Self.removeOp), 0)
        XCTAssertEqual(h.gate.deniedCount, 20)
        XCTAssertEqual(h.remainingBulkUsers, 20)
    }

    func testDryRunInsideWorkersSendsNothingMutating() throws {
        let h = try makeHarness(labelUsers: 50) { $0.dryRun = true }
        let out = values(h.run(Self.idsLua(50) + """
            local results = desk.each(ids, function(id)
              local t = desk.tickets.all({ limit = 1 })            -- reads still run
              return helpcenter.labels.remove_users(hc, label, { id })
            end, { concurrency = 10 })
            local planned = 0
            for i = 1, #ids do if results[i].dry_run and results[i].ids[2] == ids[i] then planned = planned + 1 end end
            return planned
            """))
        XCTAssertEqual(out, [50])
        XCTAssertTrue(h.sim.requestLog.allSatisfy { $0.method == "GET" || $0.operationId == nil })
        XCTAssertEqual(h.requests(Self.removeOp), 0)
        XCTAssertEqual(h.gate.calls.filter { $0.outcome == .planned }.count, 50)
        XCTAssertEqual(h.remainingBulkUsers, 50)
    }

    func testDestructiveCapStopsConcurrentWorkersAtTheCap() throws {
        let h = try makeHarness(labelUsers: 40) { $0.maxDestructive = 7 }
        h.sim.setLatency(ms: 2)
        let result = h.run(Self.idsLua(40) + """
            local ok, e = pcall(desk.each, ids, function(id)
              return helpcenter.labels.remove_users(hc, label, { id })
            end, { concurrency = 10 })
            return "not stopped"
            """)
        guard case .failure(.limit(let kind, let message)) = result else { return XCTFail("expected a limit stop, got \(result)") }
        XCTAssertEqual(kind, .host)
        XCTAssertTrue(message.contains("destructive cap of 7 records"), message)
        // Seven calls passed the gate; the eighth tripped the cap before it was
        // sent. Of those seven, the ones that had taken a slot of their
        // desk.each when the run stopped are sent (give them a moment to
        // land); the others are not sent at all once the run has ended.
        usleep(300_000)
        let passed = h.gate.calls.filter { $0.outcome != .denied }
        XCTAssertEqual(passed.count, 7)
        let sent = passed.filter { $0.outcome == .sent }.count
        XCTAssertEqual(passed.filter { $0.message?.contains("not sent: the run ended") == true }.count, 7 - sent)
        XCTAssertEqual(h.requests(Self.removeOp), sent)
        XCTAssertEqual(h.remainingBulkUsers, 40 - sent)
    }

    func testAuditRecordsEveryConcurrentCall() throws {
        let path = NSTemporaryDirectory() + "zdsh-conc-audit-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let h = try makeHarness(labelUsers: 30, audit: try AuditLog(path: path))
        _ = values(h.run(Self.idsLua(30) + """
            desk.each(ids, function(id) return helpcenter.labels.remove_users(hc, label, { id }) end, { concurrency = 10 })
            """))
        let records = try AuditLog.tail(path: path, count: 1000)
        XCTAssertEqual(records.filter { $0["phase"] == "intent" }.count, 30)
        XCTAssertEqual(records.filter { $0["phase"] == "outcome" && $0["status"] == 204 }.count, 30)
        let users = Set(records.compactMap { $0["ids"]?.arrayValue?.last?.stringValue })
        XCTAssertEqual(users.count, 30)
    }

    func testResumeSkipsCallsCompletedByConcurrentWorkers() throws {
        let dir = NSTemporaryDirectory() + "zdsh-conc-journal-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/journal.sqlite"
        let script = Self.idsLua(30) + """
            local stop_after = ...
            local results, errors = desk.each(ids, function(id, i)
              if i > stop_after then error("stopped before " .. id) end
              return helpcenter.labels.remove_users(hc, label, { id })
            end, { concurrency = 10 })
            local skipped = 0
            for i = 1, #ids do if type(results[i]) == "table" and results[i].skipped then skipped = skipped + 1 end end
            return skipped
            """
        let first = try makeHarness(labelUsers: 30, journal: try Journal(path: path, runId: "r1", resuming: false))
        XCTAssertEqual(values(first.session.run(script, name: "=test", arguments: [20])), [0])
        XCTAssertEqual(first.requests(Self.removeOp), 20)

        // The resumed run (same simulator state carried over) skips those 20.
        let second = try makeHarness(labelUsers: 30, journal: try Journal(path: path, runId: "r1", resuming: true))
        try second.sim.reset(Fixture(json: first.sim.state()))
        XCTAssertEqual(values(second.session.run(script, name: "=test", arguments: [30])), [20])
        XCTAssertEqual(second.requests(Self.removeOp), 10)
        XCTAssertEqual(second.remainingBulkUsers, 0)
    }

    // MARK: - Limits span all coroutines

    func testInstructionLimitSpansWorkers() throws {
        var limits = Limits.defaults
        limits.maxInstructions = 1_000_000
        let h = try makeHarness(limits: limits)
        // Each worker alone stays well under the limit; together they do not.
        let result = h.run("""
            local items = {}
            for i = 1, 40 do items[i] = i end
            local r, e = desk.each(items, function(i)
              local x = 0
              for k = 1, 50000 do x = x + k end  -- ~150k instructions per item
              desk.tickets.all({ limit = 1 })
              return x
            end, { concurrency = 10 })
            return "finished"
            """)
        guard case .failure(.limit(let kind, _)) = result else { return XCTFail("expected the instruction limit, got \(result)") }
        XCTAssertEqual(kind, .instructions)
    }

    func testMemoryLimitSpansWorkers() throws {
        var limits = Limits.defaults
        limits.maxMemory = 24 << 20
        let h = try makeHarness(limits: limits)
        let result = h.run("""
            local keep = {}
            local items = {}
            for i = 1, 10 do items[i] = i end
            desk.each(items, function(i)
              desk.tickets.all({ limit = 1 })
              keep[i] = {}
              for k = 1, 100000 do keep[i][k] = "worker " .. i .. " item " .. k end  -- ~4 MB each
            end, { concurrency = 10 })
            return "finished"
            """)
        guard case .failure(.limit(let kind, _)) = result else { return XCTFail("expected the memory limit, got \(result)") }
        XCTAssertEqual(kind, .memory)
    }

    func testWallClockLimitSpansWorkersWaitingOnCalls() throws {
        var limits = Limits.defaults
        limits.timeout = 0.5
        let h = try makeHarness(limits: limits)
        h.sim.setLatency(ms: 100)
        // 100 calls × 100 ms / 10 workers = 1 s of waiting, past the 0.5 s limit.
        let result = h.run("""
            local items = {}
            for i = 1, 100 do items[i] = i end
            desk.each(items, function() return desk.tickets.all({ limit = 1 }) end, { concurrency = 10 })
            return "finished"
            """)
        guard case .failure(.limit(let kind, _)) = result else { return XCTFail("expected the time limit, got \(result)") }
        XCTAssertEqual(kind, .timeout)
        // Bound by the server's count, not the clock: each call takes at
        // least 100 ms, so in 0.5 s 10 workers start at most 6 rounds of
        // calls; a loaded machine only makes that fewer. A clock that stopped
        // while the workers wait on calls would let all 100 through.
        XCTAssertLessThanOrEqual(h.requests("getTickets"), 60)
    }

    // MARK: - Where a coroutine cannot suspend

    func testCallsInsideSortComparatorsRunSynchronously() throws {
        let h = try makeHarness()
        let out = values(h.run("""
            local tickets = desk.tickets.all()
            local ids = {}
            for i = 1, #tickets do ids[i] = tickets[i].id end
            -- An API call inside a comparator: the Lua thread waits for it.
            table.sort(ids, function(a, b)
              return desk.tickets.get(a).ticketNumber > desk.tickets.get(b).ticketNumber
            end)
            -- desk.each inside a comparator works in order instead of spawning.
            local inner
            table.sort({ 2, 1 }, function(a, b)
              inner = inner or desk.each(ids, function(id) return desk.tickets.get(id).id end, { concurrency = 5 })
              return a < b
            end)
            return #ids > 1, inner[1] == ids[1] and inner[#ids] == ids[#ids]
            """))
        XCTAssertEqual(out, [true, true])
    }

    func testCallsInsideGsubCallbacksAndMetamethodsRunSynchronously() throws {
        let h = try makeHarness()
        let out = values(h.run("""
            local first = desk.tickets.all({ limit = 1 })[1]
            -- string.gsub callback (called from C).
            local s = string.gsub("ticket:" .. first.id, "ticket:(%d+)", function(id)
              return desk.tickets.get(id).subject
            end)
            -- __index metamethod reached from C (table.concat reads via lua_geti).
            local lazy = setmetatable({}, { __index = function(_, i) return desk.tickets.get(first.id).id end })
            local joined = table.concat(lazy, ",", 1, 2)
            -- desk.parallel inside a gsub callback: sequential, still correct.
            local par = string.gsub("x", "x", function()
              return table.concat(desk.parallel{ function() return "a" end, function() return desk.tickets.get(first.id).id end }, "+")
            end)
            return s == first.subject, joined == first.id .. "," .. first.id, par == "a+" .. first.id
            """))
        XCTAssertEqual(out, [true, true, true])
    }

    func testWaitingForTasksWhereNothingCanSuspendFailsClearly() throws {
        let h = try makeHarness()
        // coroutine.wrap inside a sort comparator: a yield across the C boundary.
        let result = h.run("""
            local ok, e = pcall(table.sort, { 3, 1, 2 }, function(a, b)
              coroutine.yield()
              return a < b
            end)
            return ok, tostring(e)
            """)
        let out = values(result)
        XCTAssertEqual(out.first, false)
        XCTAssertTrue(out.last?.stringValue?.contains("yield") ?? false, "\(out)")
    }
    // MARK: - Progress bar

    func testProgressBarOnlyOnATerminalAndWithoutColourUnderNoColor() {
        XCTAssertNil(ProgressBar.style(isTerminal: false, environment: [:], columns: 80))
        XCTAssertNil(ProgressBar.style(isTerminal: true, environment: ["ZDSH_NO_PROGRESS": "1"], columns: 80))
        XCTAssertEqual(ProgressBar.style(isTerminal: true, environment: [:], columns: 100)?.color, true)
        XCTAssertEqual(ProgressBar.style(isTerminal: true, environment: ["NO_COLOR": "1"], columns: 100)?.color, false)
        XCTAssertEqual(ProgressBar.style(isTerminal: true, environment: ["TERM": "dumb"], columns: 100)?.color, false)

        let text = LockedText()
        var clock = Date(timeIntervalSince1970: 0)
        let bar = ProgressBar(style: .init(color: false, width: 60), interval: 0.1, now: { clock }) { text.append($0) }
        bar.update(label: "desk.each", done: 0, total: 2000, failed: 0)
        clock += 1
        bar.update(label: "desk.each", done: 500, total: 2000, failed: 3)
        clock += 0.01
        bar.update(label: "desk.each", done: 501, total: 2000, failed: 3)   // throttled
        clock += 1
        bar.update(label: "desk.each", done: 2000, total: 2000, failed: 3)
        let out = text.value
        XCTAssertFalse(out.contains("\u{1B}["+"3"), "no colour under NO_COLOR: \(out.debugDescription)")
        XCTAssertTrue(out.contains("500/2000  3 failed  500/s  ETA 3s"), out.debugDescription)
        XCTAssertFalse(out.contains("501/2000"))
        XCTAssertTrue(out.hasSuffix("\r\u{1B}[K"), "erased at the end")

        // Small jobs draw nothing.
        let quiet = LockedText()
        let small = ProgressBar(style: .init(color: true), write: { quiet.append($0) })
        small.update(label: "desk.each", done: 1, total: 5, failed: 0)
        XCTAssertEqual(quiet.value, "")
    }
}
