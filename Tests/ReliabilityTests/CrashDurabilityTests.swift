import DeskSim
import Foundation
import TestSupport
import JSONValue
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// `zdsh run` on a bulk runbook, SIGKILLed at seeded random moments: the
/// audit log stays valid JSONL up to the kill with every outcome preceded by
/// its intent, and the journal passes SQLite's integrity check.
final class CrashDurabilityTests: XCTestCase {
    func testSigkillMidRunKeepsAuditAndJournalIntact() throws {
        let trials = Int(ProcessInfo.processInfo.environment["ZDSH_KILL_TRIALS"] ?? "") ?? 24
        let home = Zdsh.tempDir("kill")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let sim = Simulator(fixture: .bulk(labelUsers: 3000))
        let fixture = home + "/fixture.json"
        try Data(sim.state().encoded().utf8).write(to: URL(fileURLWithPath: fixture))
        let hc = sim.resource("helpCenters").first?["id"]?.stringValue ?? ""
        let label = Dictionary(grouping: sim.resource("labelUsers"), by: { $0["labelId"]?.stringValue ?? "" })
            .max { $0.value.count < $1.value.count }?.key ?? ""
        let runbook = Zdsh.stdlib + "/examples/retire_label.lua"

        var r = SplitMix64(seed: Fuzz.seed &+ 10)
        var killedMidCall = 0, killedWithRecords = 0, totalRecords = 0, tornLines = 0, finished = 0
        var delays: [Int] = []
        for trial in 0..<trials {
            let dir = home + "/t\(trial)"
            let audit = dir + "/audit.jsonl"
            let env = Zdsh.environment(home: dir)
            let p = try Zdsh.launch(["run", runbook, "--sim", "--fixture", fixture, "--audit", audit,
                                                 "--allow", "helpcenter.labels.*", "--yes", "--max-destructive", "100000",
                                                 "--param", "label=\(label)", "--param", "hc=\(hc)", "--param", "concurrency=\(r.int(4...10))"],
                                                env: env)
            // Kill once the run has started writing, at a seeded moment.
            let startWait = Date()
            while p.isRunning, (try? FileManager.default.attributesOfItem(atPath: audit)[.size] as? Int) ?? 0 == 0,
                  Date().timeIntervalSince(startWait) < 20 { usleep(2_000) }
            let delay = r.int(0...400)
            delays.append(delay)
            usleep(UInt32(delay) * 1000)
            if p.isRunning { kill(p.pid, SIGKILL) } else { finished += 1 }
            _ = p.wait(timeout: 30)

            // Audit: complete lines parse; a torn last line is counted (expected never).
            let data = FileManager.default.contents(atPath: audit) ?? Data()
            var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Array($0) }
            if lines.last?.isEmpty == true { lines.removeLast() } else if !lines.isEmpty {
                tornLines += 1
                lines.removeLast()
            }
            var open: [String: Int] = [:]   // intents awaiting their outcome, by operation + ids
            for (n, line) in lines.enumerated() {
                guard let j = try? JSON.parse(line) else {
                    XCTFail("trial \(trial): line \(n + 1) is not JSON: \(String(decoding: line.prefix(200), as: UTF8.self))"); break
                }
                let key = "\(j["operation"]?.stringValue ?? "")|\(j["ids"]?.encoded() ?? "")"
                switch j["phase"]?.stringValue {
                case "intent": open[key, default: 0] += 1
                case "outcome":
                    guard let k = open[key], k > 0 else { XCTFail("trial \(trial): outcome without intent: \(key)"); continue }
                    open[key] = k - 1
                default: XCTFail("trial \(trial): unexpected phase in \(j.encoded().prefix(200))")
                }
            }
            let trailing = open.values.reduce(0, +)
            totalRecords += lines.count
            if !lines.isEmpty { killedWithRecords += 1 }
            if trailing > 0 { killedMidCall += 1 }

            // Journal: SQLite integrity after the kill.
            let journalPath = Journal.defaultPath(environment: env)
            if FileManager.default.fileExists(atPath: journalPath) {
                let j = try Journal(path: journalPath, runId: "integrity", resuming: false)
                XCTAssertEqual(try j.integrityCheck(), "ok", "trial \(trial)")
            } else {
                XCTFail("trial \(trial): no journal at \(journalPath)")
            }
        }
        XCTAssertEqual(tornLines, 0, "torn audit lines")
        XCTAssertGreaterThan(killedMidCall, 0, "at least one kill landed between an intent and its outcome")
        print("KILL: trials=\(trials) killed_with_records=\(killedWithRecords) killed_mid_call=\(killedMidCall) finished_before_kill=\(finished) "
              + "audit_records=\(totalRecords) torn_lines=\(tornLines) journal_integrity=ok delays_ms=\(delays.min() ?? 0)…\(delays.max() ?? 0)")
    }
}
