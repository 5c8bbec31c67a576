@testable import DeskGate
@testable import DeskRepl
import DeskSim
import Foundation
import JSONValue
import LuaHost
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import TestSupport
import XCTest

/// Runs every adversarial chunk in Tests/RedTeam/*.lua and checks the
/// outcome its first line announces (`-- expect: limit|denied|error|ok`).
/// `ok` chunks must return true. A file may hold several runs on one state,
/// separated by a line `-- run`; the expectation applies to the last run.
/// No case may get a mutating request to the simulator.
///
/// A second line `-- limits: timeout=S memory=MB instructions=N output=KB`
/// replaces the defaults below for that file (0 = no limit), so a shape can
/// be tried as `zdsh eval` runs it by default (no instruction limit: only
/// the watchdog's pokes stop it) and at several memory caps. The values a
/// chunk returns are formatted the way zdsh prints them, within what the
/// run left of --max-output and --timeout; a cut counts as `limit`. Every
/// case must end within its timeout plus a small margin of CPU time (a
/// runaway spins; a loaded machine cannot inflate CPU time as it does the
/// clock's).
///
/// `ZDSH_REDTEAM_ROUNDS=N` runs the corpus N times (default 2): limit
/// slips were timing-dependent (a race between the watchdog's tick and the
/// trip), so one clean pass proves little.
final class RedTeamTests: XCTestCase {
    static let corpus = Zdsh.root.appendingPathComponent("Tests/RedTeam").path
    static let defaultLimits = Limits(timeout: 5, maxMemory: 64 << 20, maxInstructions: 50_000_000, maxOutput: 64 << 10)
    /// Past the timeout: the watchdog's tick, unwinding, converting results.
    static let margin = 2.0

    static var rounds: Int {
        max(1, Int(ProcessInfo.processInfo.environment["ZDSH_REDTEAM_ROUNDS"] ?? "") ?? 2)
    }

    func testAdversarialCorpus() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus).filter { $0.hasSuffix(".lua") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 20)
        var tally: [String: Int] = [:]
        var failures: [String] = []
        var times: [String: Double] = [:]
        let started = Date()
        for round in 1...Self.rounds {
            for file in files {
                let source = try String(contentsOfFile: Self.corpus + "/" + file, encoding: .utf8)
                let lines = source.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
                guard let first = lines.first, let r = first.range(of: "-- expect:") else {
                    failures.append("\(file): no expect line"); continue
                }
                let expect = first[r.upperBound...].trimmingCharacters(in: .whitespaces)
                let limits: Limits
                do { limits = try Self.limits(lines.count > 1 ? String(lines[1]) : "") } catch {
                    failures.append("\(file): \(error)"); continue
                }
                let outcome = try Self.run(source, file: file, limits: limits)
                tally[outcome.got, default: 0] += 1
                if outcome.got != expect { failures.append("\(file) (round \(round)): expected \(expect), got \(outcome.got) — \(outcome.detail)".prefix(400).description) }
                let bound = (limits.timeout ?? 10) + Self.margin
                if outcome.seconds > bound { failures.append("\(file) (round \(round)): took \(String(format: "%.2f", outcome.seconds)) s of CPU (bound \(bound) s)") }
                times[file] = max(times[file] ?? 0, outcome.seconds)
                failures += outcome.problems.map { "\(file): \($0)" }
            }
        }
        XCTAssertEqual(failures, [])
        let slowest = times.sorted { $0.value > $1.value }.prefix(5).map { "\($0.key) \(String(format: "%.2f", $0.value)) s" }
        print("REDTEAM: cases=\(files.count) rounds=\(Self.rounds) outcomes=\(tally.sorted { $0.key < $1.key }) failures=\(failures.count) seconds=\(String(format: "%.1f", Date().timeIntervalSince(started))) slowest: \(slowest.joined(separator: ", "))")
    }

    struct Outcome { var got: String; var detail: String; var seconds: Double; var problems: [String] }

    static func run(_ source: String, file: String, limits: Limits) throws -> Outcome {
        let sim = Simulator()
        let backend = Backend.simulator(sim, options: .fast())
        let session = try Session(client: backend.client, policy: Policy(), settings: .init(), limits: limits, output: { _ in })
        let runs = source.components(separatedBy: "\n-- run\n")
        var result: Result<[RunValue], LuaError> = .success([])
        let t0 = CPUTime.process()
        var cut: String?
        for (i, chunk) in runs.enumerated() {
            result = session.run(chunk, name: "@\(file)#\(i + 1)")
            // Shown as `zdsh eval` shows them: within what the run left.
            if case .success(let values) = result, !values.isEmpty {
                var text = BoundedText(session.host.resultBudget)
                for v in values {
                    if case .json(let j) = v { RecordFormatter.format(j, into: &text) }
                }
                cut = text.limitMessage
            }
        }
        let seconds = CPUTime.process() - t0
        var got: String
        switch result {
        case .success(let values):
            if cut != nil { got = "limit" }
            else if values.isEmpty || values.first == .json(.bool(true)) { got = "ok" }
            else { got = "ok-but-returned \(values.first!)".prefix(120).description }
        case .failure(.limit): got = "limit"
        case .failure(.runtime(_, _, .object(let o))) where o["zdsh_error"] == "denied": got = "denied"
        case .failure(.runtime), .failure(.syntax): got = "error"
        case .failure(.host(let m)): got = "host-failure \(m)"
        }
        var problems: [String] = []
        let mutating = sim.requestLog.filter { $0.method != "GET" }
        if !mutating.isEmpty { problems.append("reached the API: \(mutating.map { "\($0.method) \($0.path)" })") }
        // The state still works after the case (unless a limit closed it for good).
        if case .failure(.limit) = result {} else if session.run("return 1", name: "=probe") != .success([.json(.int(1))]) {
            problems.append("state unusable afterwards")
        }
        return Outcome(got: got, detail: cut ?? "\(result)", seconds: seconds, problems: problems)
    }

    struct BadLimits: Error, CustomStringConvertible { let description: String }

    /// Parses `-- limits: timeout=3 memory=48 instructions=0 output=64`; a
    /// line without the marker gives the defaults.
    static func limits(_ line: String) throws -> Limits {
        var limits = defaultLimits
        guard let r = line.range(of: "-- limits:") else { return limits }
        for pair in line[r.upperBound...].split(separator: " ") {
            let parts = pair.split(separator: "=")
            guard parts.count == 2, let value = Double(parts[1]) else { throw BadLimits(description: "bad limit '\(pair)'") }
            switch parts[0] {
            case "timeout": limits.timeout = value > 0 ? value : nil
            case "memory": limits.maxMemory = Int(value) << 20
            case "instructions": limits.maxInstructions = Int64(value)
            case "output": limits.maxOutput = Int(value) << 10
            default: throw BadLimits(description: "unknown limit '\(parts[0])'")
            }
        }
        return limits
    }
}
