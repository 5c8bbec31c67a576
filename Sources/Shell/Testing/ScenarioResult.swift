import Foundation

/// What became of one scenario (one `it`).
public struct ScenarioResult: Sendable, Equatable {
    public enum Status: String, Sendable {
        case passed, failed, skipped
    }

    /// Why a scenario failed: a failed expectation (with expected and
    /// actual), an error, or a file that could not even be listed.
    public struct Failure: Sendable, Equatable {
        public var message: String
        /// Where: the `expect` call, or the line that raised the error.
        public var file: String?
        public var line: Int?
        public var expected: String?
        public var actual: String?
        public var traceback: String?
        /// True for a failed `expect(…)`, false for an error.
        public var isExpectation: Bool

        public init(message: String, file: String? = nil, line: Int? = nil, expected: String? = nil,
                    actual: String? = nil, traceback: String? = nil, isExpectation: Bool = false) {
            self.message = message; self.file = file; self.line = line; self.expected = expected
            self.actual = actual; self.traceback = traceback; self.isExpectation = isExpectation
        }

        /// "file:line" when known.
        public var location: String? {
            guard let file else { return nil }
            return line.map { "\(file):\($0)" } ?? file
        }
    }

    /// The scenario file.
    public var file: String
    /// Full name: enclosing `describe` names and the `it` name, space-separated.
    public var name: String
    /// Line of the `it`.
    public var line: Int?
    public var status: Status
    public var failure: Failure?
    /// What the scenario printed.
    public var output: String
    /// Operations and parameters the simulator did not model in this scenario.
    public var simUnmodelled: [SimUnmodelledWatch.Entry] = []
    public var duration: TimeInterval

    public init(file: String, name: String, line: Int?, status: Status, failure: Failure? = nil,
                output: String = "", duration: TimeInterval = 0) {
        self.file = file; self.name = name; self.line = line; self.status = status
        self.failure = failure; self.output = output; self.duration = duration
    }
}

/// All scenarios of one `zdsh test` run, in the order they ran.
public struct SuiteReport: Sendable, Equatable {
    public var results: [ScenarioResult]
    public var duration: TimeInterval

    public init(results: [ScenarioResult] = [], duration: TimeInterval = 0) {
        self.results = results; self.duration = duration
    }

    public var passed: Int { results.filter { $0.status == .passed }.count }
    public var failed: Int { results.filter { $0.status == .failed }.count }
    public var skipped: Int { results.filter { $0.status == .skipped }.count }

    /// The closing line CI looks for: "N passed, N failed" (", N skipped" when any).
    public var summaryLine: String {
        "\(passed) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) skipped" : "")
    }

    /// 0 when nothing failed, 1 otherwise.
    public var exitStatus: ExitStatus { failed == 0 ? .ok : .luaError }

    /// Results grouped by file, files in first-seen order.
    public var byFile: [(file: String, results: [ScenarioResult])] {
        var order: [String] = []
        var groups: [String: [ScenarioResult]] = [:]
        for r in results {
            if groups[r.file] == nil { order.append(r.file) }
            groups[r.file, default: []].append(r)
        }
        return order.map { ($0, groups[$0]!) }
    }
}
