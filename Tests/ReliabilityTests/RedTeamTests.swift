import DeskSim
import Foundation
import JSONValue
import LuaHost
@testable import Shell
import XCTest

/// Runs every adversarial chunk in Tests/RedTeam/*.lua and checks the
/// outcome its first line announces (`-- expect: limit|denied|error|ok`).
/// `ok` chunks must return true. A file may hold several runs on one state,
/// separated by a line `-- run`; the expectation applies to the last run.
/// No case may get a mutating request to the simulator.
final class RedTeamTests: XCTestCase {
    static let corpus = Zdsh.root.appendingPathComponent("Tests/RedTeam").path

    func testAdversarialCorpus() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus).filter { $0.hasSuffix(".lua") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 20)
        var tally: [String: Int] = [:]
        var failures: [String] = []
        let started = Date()
        for file in files {
            let source = try String(contentsOfFile: Self.corpus + "/" + file, encoding: .utf8)
            guard let first = source.split(separator: "\n").first, let r = first.range(of: "-- expect:") else {
                failures.append("\(file): no expect line"); continue
            }
            let expect = first[r.upperBound...].trimmingCharacters(in: .whitespaces)
            let sim = Simulator()
            let backend = Backend.simulator(sim, options: .fast())
            let session = try Session(client: backend.client, policy: Policy(), settings: .init(),
                                      limits: Limits(timeout: 5, maxMemory: 64 << 20, maxInstructions: 50_000_000, maxOutput: 64 << 10),
                                      output: { _ in })
            let runs = source.components(separatedBy: "\n-- run\n")
            var result: Result<[RunValue], LuaError> = .success([])
            let t0 = Date()
            for (i, chunk) in runs.enumerated() { result = session.run(chunk, name: "@\(file)#\(i + 1)") }
            let seconds = Date().timeIntervalSince(t0)
            let got: String
            switch result {
            case .success(let values):
                if values.isEmpty || values.first == .json(.bool(true)) { got = "ok" } else { got = "ok-but-returned \(values.first!)" }
            case .failure(.limit): got = "limit"
            case .failure(.runtime(_, _, .object(let o))) where o["zdsh_error"] == "denied": got = "denied"
            case .failure(.runtime), .failure(.syntax): got = "error"
            case .failure(.host(let m)): got = "host-failure \(m)"
            }
            tally[got, default: 0] += 1
            if got != expect { failures.append("\(file): expected \(expect), got \(got) — \(result)".prefix(400).description) }
            if seconds > 10 { failures.append("\(file): took \(seconds) s") }
            let mutating = sim.requestLog.filter { $0.method != "GET" }
            if !mutating.isEmpty { failures.append("\(file): reached the API: \(mutating.map { "\($0.method) \($0.path)" })") }
            // The state still works after the case (unless a limit closed it for good).
            if case .failure(.limit) = result {} else if session.run("return 1", name: "=probe") != .success([.json(.int(1))]) {
                failures.append("\(file): state unusable afterwards")
            }
        }
        XCTAssertEqual(failures, [])
        print("REDTEAM: cases=\(files.count) outcomes=\(tally.sorted { $0.key < $1.key }) failures=\(failures.count) seconds=\(String(format: "%.1f", Date().timeIntervalSince(started)))")
    }
}
