import DeskSim
import Foundation
import TestSupport
import XCTest

/// zdsh's own state on a full file system: a mutating call whose audit
/// intent or journal mark cannot be written is not sent, the run ends with
/// exit status 7 and says why — never a trap. The state folder is a small
/// tmpfs (mounting needs root, as CI runs; elsewhere these tests skip).
final class LocalStateTests: XCTestCase {
    var served: ServedSimulator!
    var state: String { served.home + "/state" }
    var mounted = false

    override func setUp() async throws {
        served = ServedSimulator(tag: "localstate")
        try await served.start()
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let mount = try ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", state])
        guard mount.status == 0 else { throw XCTSkip("cannot mount a tmpfs here (needs root): \(mount.err)") }
        mounted = true
    }

    override func tearDown() async throws {
        if mounted { _ = try? ChildProcess.run("/bin/umount", ["-l", state]) }
        await served.stop()
    }

    /// Fills the state folder's file system to the last block.
    private func fillStateFolder() throws {
        let fill = try ChildProcess.run("/bin/dd", ["if=/dev/zero", "of=\(state)/fill", "bs=4k"])
        XCTAssertNotEqual(fill.status, 0, "dd stops when the file system is full")
        let free = try ChildProcess.run("/bin/df", ["--output=avail", state])
        XCTAssertTrue(free.out.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces) == "0", free.out)
    }

    private func removalRunbook() throws -> String {
        try served.write("remove.lua", """
            return runbook {
              name = "remove",
              destructive = { "helpcenter.labels.remove_users" },
              main = function()
                return helpcenter.labels.remove_users(nil, "1892000000190001", { "1892000000180001" })
              end,
            }
            """)
    }

    private func runRemoval(_ runbook: String) throws -> Zdsh.Output {
        try Zdsh.run(["run", runbook, "--profile", "default", "--allow", "helpcenter.labels.remove_users", "--yes"], env: served.env)
    }

    /// Exit 7 with the reason, no trap, and no removal reached the server.
    private func assertHeldBack(_ r: Zdsh.Output, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertFalse(r.signaled, "no trap: \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.status, 7, r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.contains("local state cannot be written"), r.stderr, file: file, line: line)
        XCTAssertEqual(removals.count, 0, "nothing sent", file: file, line: line)
    }

    private var removals: [SimLogEntry] { served.sim.requestLog.filter { $0.operationId == "removeLabelsFromUsers" } }

    /// The state was written once (store, journal, audit log exist), then the
    /// disk filled up: the destructive call is held back.
    func testFullDiskHoldsBackADestructiveCallWithExit7() throws {
        let runbook = try removalRunbook()
        let first = try Zdsh.run(["eval", "--profile", "default", "return #desk.agents.list()"], env: served.env)
        XCTAssertEqual(first.status, 0, first.stderr)
        try fillStateFolder()

        try assertHeldBack(try runRemoval(runbook))
    }

    /// The disk fills up while a run waits on a slow read: the destructive
    /// call after it finds its in-flight mark (or its intent) unwritable and
    /// is not sent.
    func testDiskFillingUpMidRunHoldsBackTheNextCall() async throws {
        let runbook = try served.write("slow.lua", """
            return runbook {
              name = "slow",
              destructive = { "helpcenter.labels.remove_users" },
              main = function()
                local agents = desk.agents.list()
                return helpcenter.labels.remove_users(nil, "1892000000190001", { "1892000000180001" })
              end,
            }
            """)
        served.sim.setLatency(ms: 1500)
        let run = try Zdsh.launch(["run", runbook, "--profile", "default", "--allow", "helpcenter.labels.remove_users", "--yes"],
                                  env: served.env)
        // Requests are logged when answered: the token first, then the
        // agents list 1.5 s later. The disk fills while that list is in flight.
        let deadline = Date().addingTimeInterval(60)
        while !served.sim.requestLog.contains(where: { $0.path.hasPrefix("/oauth/") }) && Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertFalse(served.sim.requestLog.contains { $0.path.hasPrefix("/api/") }, "the agents list is still in flight")
        try fillStateFolder()
        let r = run.wait(timeout: 90)
        XCTAssertNil(r.signal, "no trap: \(r.err)")
        XCTAssertEqual(r.status, 7, r.err + "\nrequests: \(served.sim.requestLog.map { "\($0.method) \($0.path)" })")
        XCTAssertTrue(r.err.contains("local state cannot be written"), r.err)
        XCTAssertEqual(removals.count, 0, "nothing sent")
    }

    /// Nothing could ever be written: the run stops before its first call.
    func testFullDiskFromTheStartStopsBeforeAnyCall() throws {
        let runbook = try removalRunbook()
        try fillStateFolder()
        try assertHeldBack(try runRemoval(runbook))
    }

    /// eval writes no journal but audits: a write whose intent line cannot
    /// be written is not sent either.
    func testEvalWriteIsHeldBackWhenTheAuditLogCannotGrow() throws {
        let first = try Zdsh.run(["eval", "--profile", "default", "return #desk.agents.list()"], env: served.env)
        XCTAssertEqual(first.status, 0, first.stderr)
        try fillStateFolder()
        let r = try Zdsh.run(["eval", "--profile", "default",
                              "for i = 1, 50 do desk.tickets.update('1892000000220001', { subject = 'Renamed ' .. i }) end"],
                             env: served.env)
        XCTAssertFalse(r.signaled, "no trap: \(r.stderr)")
        XCTAssertEqual(r.status, 7, r.stderr)
        let updates = served.sim.requestLog.filter { $0.operationId == "updateTicket" }
        XCTAssertLessThan(updates.count, 50, "the write whose intent failed, and every one after it, was held back")
    }
}
