import Foundation
import TestSupport
import XCTest

/// `zdsh run`/`eval` against `zdsh sim serve` as two processes, the way an
/// operator rehearses: the edition's concurrency is respected (the server's
/// own counters say so), and a run set above the org's limit lowers itself
/// after sustained 429s and says so once.
final class SimServeLimitsTests: XCTestCase {
    static let zdsh = CLITests.zdsh

    /// A running `zdsh sim serve`; its stdout goes to a file so the token
    /// lines can be read while it serves and the counters after it stops.
    final class Server {
        let process: ChildProcess
        let output: String
        let port: Int

        init(_ arguments: [String]) throws {
            port = try Self.freePort()
            output = NSTemporaryDirectory() + "zdsh-sim-\(UUID().uuidString).out"
            let command = ([SimServeLimitsTests.zdsh, "sim", "serve", "--port", String(port)] + arguments)
                .map { "'\($0)'" }.joined(separator: " ")
            process = try ChildProcess("/bin/sh", ["-c", "exec \(command) > '\(output)'"])
        }

        var text: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }

        /// The printed value after `label:` (e.g. "refresh token").
        func value(_ label: String) -> String? {
            for line in text.split(separator: "\n") where line.contains(label + ":") {
                let rest = line.split(separator: ":", maxSplits: 1)[1]
                return rest.split(separator: " ").first.map(String.init)
            }
            return nil
        }

        func waitUntilReady() throws {
            let deadline = Date().addingTimeInterval(30)
            while value("refresh token") == nil {
                guard Date() < deadline, process.isRunning else { throw XCTSkip("sim serve did not start: \(text)") }
                usleep(50_000)
            }
        }

        /// Stops the server and returns its closing counters line.
        func stop() -> String {
            process.send(SIGINT)
            _ = process.wait(timeout: 20)
            return text.split(separator: "\n").last { $0.hasPrefix("served ") }.map(String.init) ?? text
        }

        func environment() -> [String: String] {
            var env = ProcessInfo.processInfo.environment
            let base = "http://127.0.0.1:\(port)"
            env["ZDSH_API_URL"] = base
            env["ZDSH_ACCOUNTS_URL"] = base
            env["ZOHO_CLIENT_ID"] = value("client")
            env["ZOHO_CLIENT_SECRET"] = text.split(separator: "\n").first { $0.contains("client:") }
                .flatMap { $0.split(separator: "/").dropFirst().first }.flatMap { $0.split(separator: " ").first }.map(String.init)
            env["ZOHO_REFRESH_TOKEN"] = value("refresh token")
            env["ZOHO_DESK_ORG_ID"] = value("orgId")
            env["ZDSH_PROFILE"] = "sim-test"
            env["ZDSH_CONCURRENCY"] = nil
            env["XDG_CONFIG_HOME"] = NSTemporaryDirectory() + "zdsh-cli-\(UUID().uuidString)"
            env["XDG_STATE_HOME"] = NSTemporaryDirectory() + "zdsh-cli-\(UUID().uuidString)"
            return env
        }

        static func freePort() throws -> Int {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
            }
            guard bound else { throw XCTSkip("no free port") }
            return Int(UInt16(bigEndian: address.sin_port))
        }
    }

    /// Counters line: "served N requests; peak in flight P of L; …; 429 answers K".
    private func number(after label: String, in line: String) -> Int? {
        guard let range = line.range(of: label) else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }

    static let eachOverTickets = """
        local tickets = desk.tickets.all()
        local results, errors = desk.each(tickets, function(t) return desk.tickets.get(t.id).id end)
        assert(errors == nil, "some calls failed")
        print(#tickets, #results)
        """

    func testFreeEditionIsNeverExceeded() throws {
        _ = try ZdshBinary.required()
        let server = try Server(["--edition", "free", "--latency", "10", "--bulk-tickets", "300"])
        try server.waitUntilReady()
        let run = try ChildProcess.run(Self.zdsh, ["eval", Self.eachOverTickets], environment: server.environment(), timeout: 120)
        let counters = server.stop()
        XCTAssertEqual(run.status, 0, run.err)
        let printed = run.out.split(whereSeparator: { $0 == "\t" || $0 == "\n" || $0 == " " }).compactMap { Int($0) }
        XCTAssertGreaterThanOrEqual(printed.first ?? 0, 300, run.out)
        XCTAssertEqual(printed.first, printed.last, run.out)
        let peak = try XCTUnwrap(number(after: "peak in flight ", in: counters), counters)
        XCTAssertLessThanOrEqual(peak, 5, counters)
        XCTAssertGreaterThan(peak, 1, "the calls did overlap: \(counters)")
        XCTAssertEqual(number(after: "429 answers ", in: counters), 0, counters)
        XCTAssertFalse(run.err.contains("lowered"), run.err)
    }

    func testSustained429sLowerTheConcurrencyAndSaySoOnce() throws {
        _ = try ZdshBinary.required()
        let server = try Server(["--edition", "free", "--latency", "20", "--bulk-tickets", "200"])
        try server.waitUntilReady()
        let run = try ChildProcess.run(Self.zdsh, ["eval", "--concurrency", "20", Self.eachOverTickets],
                                       environment: server.environment(), timeout: 180)
        let counters = server.stop()
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.err.components(separatedBy: "concurrency lowered from 20 to 10").count - 1, 1, run.err)
        XCTAssertEqual(run.err.components(separatedBy: "lowered").count - 1, 1, "said once: \(run.err)")
        XCTAssertGreaterThan(number(after: "429 answers ", in: counters) ?? 0, 0, counters)
        XCTAssertLessThanOrEqual(number(after: "peak in flight ", in: counters) ?? 99, 5, counters)
    }

    func testThresholdExceededExitsFiveWithoutRetrying() throws {
        _ = try ZdshBinary.required()
        let server = try Server(["--edition", "free", "--credits", "3"])
        try server.waitUntilReady()
        let run = try ChildProcess.run(Self.zdsh, ["eval", "for i = 1, 5 do desk.agents.list() end"],
                                       environment: server.environment(), timeout: 60)
        let counters = server.stop()
        XCTAssertEqual(run.status, 5, run.err)
        XCTAssertTrue(run.err.contains("THRESHOLD_EXCEEDED"), run.err)
        XCTAssertTrue(run.err.contains("too many requests"), run.err)
        XCTAssertEqual(number(after: "429 answers ", in: counters), 1, "not retried: \(counters)")
    }
}

extension SimServeLimitsTests {
    func testConcurrencyFlagAndEnvironmentAreChecked() throws {
        _ = try ZdshBinary.required()
        let flag = try ChildProcess.run(Self.zdsh, ["eval", "--sim", "--concurrency", "0", "return 1"])
        XCTAssertEqual(flag.status, 2, flag.err)
        XCTAssertTrue(flag.err.contains("--concurrency"), flag.err)
        var env = ProcessInfo.processInfo.environment
        env["ZDSH_CONCURRENCY"] = "3"
        let fromEnv = try ChildProcess.run(Self.zdsh, ["eval", "--sim", "return desk.each({1, 2}, function(x) return x end)"],
                                           environment: env)
        XCTAssertEqual(fromEnv.status, 0, fromEnv.err)
        env["ZDSH_CONCURRENCY"] = "many"
        let bad = try ChildProcess.run(Self.zdsh, ["eval", "--sim", "return 1"], environment: env)
        XCTAssertEqual(bad.status, 2, "a usage error: \(bad.err)")
        XCTAssertTrue(bad.err.contains("ZDSH_CONCURRENCY"), bad.err)
    }
}
