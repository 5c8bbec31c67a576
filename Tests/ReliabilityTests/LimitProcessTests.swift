import Foundation
import TestSupport
import XCTest

/// The limit slips an adversarial review found, run as people run them: the
/// `zdsh` binary, several times each (the recursion slip depended on a race
/// between the watchdog's tick and the trip). Each must end with exit 4
/// within its timeout plus a generous margin of CPU time — a check that the
/// limit held, not a benchmark, and one a loaded machine cannot trip (the
/// clock runs on while a process waits for a core; its CPU time does not;
/// a run that hangs without spinning is killed at the wait's deadline) — and, where /usr/bin/time is installed, without its
/// resident memory going far past the cap (RELIABILITY.md has the figures).
///
/// `ZDSH_LIMIT_TRIALS=N` sets the runs per case (default 3).
final class LimitProcessTests: XCTestCase {
    static var trials: Int { max(1, Int(ProcessInfo.processInfo.environment["ZDSH_LIMIT_TRIALS"] ?? "") ?? 3) }
    static let margin = 5.0
    static let time = "/usr/bin/time"

    struct Run { let status: Int32; let out: String; let err: String; let seconds: Double; let cpuSeconds: Double; let peakKB: Int?; let signaled: Bool }

    private func zdsh(_ args: [String], timeout: Double) throws -> Run {
        _ = try ZdshBinary.required()
        let home = Zdsh.tempDir("limits")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let measure = FileManager.default.isExecutableFile(atPath: Self.time)
        // `time -f` prints the peak resident set (KB) on the last line of stderr.
        let command = measure ? [Self.time, "-f", "zdsh-peak-rss-kb=%M", Zdsh.binary] : [Zdsh.binary]
        let start = Date()
        let (r, cpu) = try CPUTime.ofChildren {
            try ChildProcess(command[0], Array(command.dropFirst()) + args, environment: Zdsh.environment(home: home))
                .wait(timeout: timeout + 30)
        }
        let seconds = Date().timeIntervalSince(start)
        var err = r.err
        var peak: Int?
        if measure, let line = err.split(separator: "\n").last(where: { $0.hasPrefix("zdsh-peak-rss-kb=") }) {
            peak = Int(line.dropFirst("zdsh-peak-rss-kb=".count))
            err = err.split(separator: "\n").filter { !$0.hasPrefix("zdsh-peak-rss-kb=") && !$0.hasPrefix("Command exited") }
                .joined(separator: "\n")
        }
        return Run(status: r.status, out: r.out, err: err, seconds: seconds, cpuSeconds: cpu, peakKB: peak, signaled: r.signal != nil)
    }

    /// Resident memory of a run that does nothing, as the baseline.
    private func baselineKB() throws -> Int? {
        try zdsh(["eval", "--sim", "return 1"], timeout: 10).peakKB
    }

    private func assertStoppedByLimit(_ args: [String], timeout: Double, capMB: Int? = nil, expect message: String,
                                      file: StaticString = #filePath, line: UInt = #line) throws {
        let base = try baselineKB()
        for trial in 1...Self.trials {
            let r = try zdsh(args, timeout: timeout)
            let what = "trial \(trial) of \(args.last ?? "")"
            XCTAssertFalse(r.signaled, "\(what): killed", file: file, line: line)
            XCTAssertEqual(r.status, 4, "\(what): \(r.err)", file: file, line: line)
            XCTAssertTrue(r.err.contains(message), "\(what): \(r.err)", file: file, line: line)
            XCTAssertLessThan(r.cpuSeconds, timeout + Self.margin, what, file: file, line: line)
            if let capMB, let base, let peak = r.peakKB {
                // The cap, plus the allocator's own overhead and what Swift holds.
                let allowance = capMB * 1024 + max(32 * 1024, capMB * 512)
                XCTAssertLessThan(peak - base, allowance, "\(what): peak \(peak) KB, baseline \(base) KB", file: file, line: line)
            }
            print("LIMITS: \(args.dropLast().joined(separator: " ")): exit \(r.status) in \(String(format: "%.2f", r.seconds)) s (\(String(format: "%.2f", r.cpuSeconds)) s of CPU), peak \(r.peakKB.map { "\($0 / 1024) MB" } ?? "?") (baseline \(base.map { "\($0 / 1024) MB" } ?? "?"))")
        }
    }

    /// Deep recursion that hits the memory cap (and Lua's stack limits) ran
    /// past 40 s with --timeout 3.
    func testDeepRecursionAtTheMemoryCapStopsAtOnce() throws {
        try assertStoppedByLimit(["eval", "--sim", "--timeout", "3", "--max-memory", "48",
                                  "local function f() return f() + 1 end return f()"],
                                 timeout: 3, capMB: 48, expect: "memory limit of 48 MB exceeded")
    }

    /// Recursion through pcall: unwinding a tripped run used to be quadratic in its depth.
    func testDeepRecursionThroughPcallStopsAtOnce() throws {
        try assertStoppedByLimit(["eval", "--sim", "--timeout", "3", "--max-memory", "16",
                                  "local function f() local ok = pcall(f) if not ok then return f() end return 1 end return f()"],
                                 timeout: 3, capMB: 16, expect: "limit")
    }

    /// json.decode of a 20 MB string built in Lua reached 2.5 GB and 35 s.
    func testDecodingAHugeStringStaysWithinTheCap() throws {
        try assertStoppedByLimit(["eval", "--sim", "--timeout", "5", "--max-memory", "64",
                                  #"local s = '[' .. string.rep('{"a":1},', 2500000) .. '1]' return #json.decode(s)"#],
                                 timeout: 5, capMB: 64, expect: "memory limit of 64 MB exceeded")
    }

    /// A huge returned value is printed up to --max-output, with a marker.
    func testPrintingAHugeResultRespectsMaxOutput() throws {
        let r = try zdsh(["eval", "--sim", "--timeout", "5", "--max-output", "16", "return string.rep('x', 5e7)"], timeout: 5)
        XCTAssertEqual(r.status, 4, r.err)
        XCTAssertTrue(r.err.contains("output limit of 16 KB exceeded"), r.err)
        XCTAssertTrue(r.out.hasSuffix("… [truncated: output limit of 16 KB reached]\n"), String(r.out.suffix(80)))
        XCTAssertLessThanOrEqual(r.out.utf8.count, (16 << 10) + 100)
        XCTAssertLessThan(r.cpuSeconds, 5 + Self.margin)
        // JSON output too.
        let j = try zdsh(["eval", "--sim", "--json", "--max-output", "4", "local t = {} for i = 1, 1e5 do t[i] = {n = i} end return t"], timeout: 300)
        XCTAssertEqual(j.status, 4, j.err)
        XCTAssertLessThanOrEqual(j.out.utf8.count, (4 << 10) + 100)
        // Small values are untouched.
        let ok = try zdsh(["eval", "--sim", "--max-output", "1", "return {a = 1, b = {2, 3}}"], timeout: 300)
        XCTAssertEqual(ok.status, 0, ok.err)
        XCTAssertEqual(ok.out, "  a: 1\n  b: 2, 3\n")
    }

    /// Printing a huge value stops at the run's deadline. 16 million numbers:
    /// more than a release build converts and prints in 2 s (3 million were
    /// not), in a table that still fits in one array part (< 2^24 slots).
    func testPrintingAHugeResultRespectsTheTimeout() throws {
        let r = try zdsh(["eval", "--sim", "--timeout", "2", "--max-output", "1000000", "--max-memory", "1024",
                          "local t = {} for i = 1, 16e6 do t[i] = i end return t"], timeout: 2)
        XCTAssertEqual(r.status, 4, r.err)
        XCTAssertTrue(r.err.contains("time limit exceeded"), r.err)
        XCTAssertLessThan(r.cpuSeconds, 2 + Self.margin)
    }
}
