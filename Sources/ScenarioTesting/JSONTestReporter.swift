import DeskGate
import JSONValue

/// `zdsh test --json`: the whole suite as one JSON document, for CI tools
/// that would rather parse than read TAP or JUnit.
///
///     {"passed": 3, "failed": 1, "skipped": 0, "seconds": 0.42,
///      "scenarios": [{"file": …, "name": …, "line": …, "status": "failed",
///                     "seconds": …, "output": …, "failure": {"message": …, …}}]}
package enum JSONTestReporter {
    package static func report(_ suite: SuiteReport) -> JSON {
        [
            "passed": .int(Int64(suite.passed)),
            "failed": .int(Int64(suite.failed)),
            "skipped": .int(Int64(suite.skipped)),
            "seconds": .double(rounded(suite.duration)),
            "scenarios": .array(suite.results.map(scenario)),
        ]
    }

    static func scenario(_ r: ScenarioResult) -> JSON {
        var o: [String: JSON] = [
            "file": .string(r.file), "name": .string(r.name), "status": .string(r.status.rawValue),
            "seconds": .double(rounded(r.duration)), "output": .string(r.output),
        ]
        if let line = r.line { o["line"] = .int(Int64(line)) }
        if let f = r.failure { o["failure"] = failure(f) }
        if !r.simUnmodelled.isEmpty { o["sim_unmodelled"] = SimUnmodelledWatch.json(r.simUnmodelled) }
        return .object(o)
    }

    static func failure(_ f: ScenarioResult.Failure) -> JSON {
        var o: [String: JSON] = ["message": .string(f.message), "expectation": .bool(f.isExpectation)]
        if let file = f.file { o["file"] = .string(file) }
        if let line = f.line { o["line"] = .int(Int64(line)) }
        if let e = f.expected { o["expected"] = .string(e) }
        if let a = f.actual { o["actual"] = .string(a) }
        if let t = f.traceback { o["traceback"] = .string(t) }
        return .object(o)
    }

    static func rounded(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }
}
