import DeskGate
import Foundation
import ShellCore

/// What became of one scenario (one `it`).
package struct ScenarioResult: Sendable, Equatable {
    package enum Status: String, Sendable {
        case passed, failed, skipped
    }

    /// Why a scenario failed: a failed expectation (with expected and
    /// actual), an error, or a file that could not even be listed.
    package struct Failure: Sendable, Equatable {
        package var message: String
        /// Where: the `expect` call, or the line that raised the error.
        package var file: String?
        package var line: Int?
        package var expected: String?
        package var actual: String?
        package var traceback: String?
        /// True for a failed `expect(…)`, false for an error.
        package var isExpectation: Bool

        package init(message: String, file: String? = nil, line: Int? = nil, expected: String? = nil,
                    actual: String? = nil, traceback: String? = nil, isExpectation: Bool = false) {
            self.message = message; self.file = file; self.line = line; self.expected = expected
            self.actual = actual; self.traceback = traceback; self.isExpectation = isExpectation
        }

        /// "file:line" when known.
        package var location: String? {
            guard let file else { return nil }
            return line.map { "\(file):\($0)" } ?? file
        }
    }

    /// The scenario file.
    package var file: String
    /// Full name: enclosing `describe` names and the `it` name, space-separated.
    package var name: String
    /// Line of the `it`.
    package var line: Int?
    package var status: Status
    package var failure: Failure?
    /// What the scenario printed.
    package var output: String
    /// Operations and parameters the simulator did not model in this scenario.
    package var simUnmodelled: [SimUnmodelledWatch.Entry] = []
    package var duration: TimeInterval

    package init(file: String, name: String, line: Int?, status: Status, failure: Failure? = nil,
                output: String = "", duration: TimeInterval = 0) {
        self.file = file; self.name = name; self.line = line; self.status = status
        self.failure = failure; self.output = output; self.duration = duration
    }
}

/// All scenarios of one `zdsh test` run, in the order they ran.
package struct SuiteReport: Sendable, Equatable {
    package var results: [ScenarioResult]
    package var duration: TimeInterval

    package init(results: [ScenarioResult] = [], duration: TimeInterval = 0) {
        self.results = results; self.duration = duration
    }

    package var passed: Int { results.filter { $0.status == .passed }.count }
    package var failed: Int { results.filter { $0.status == .failed }.count }
    package var skipped: Int { results.filter { $0.status == .skipped }.count }

    /// The closing line CI looks for: "N passed, N failed" (", N skipped" when any).
    package var summaryLine: String {
        "\(passed) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) skipped" : "")
    }

    /// 0 when nothing failed, 1 otherwise.
    package var exitStatus: ExitStatus { failed == 0 ? .ok : .luaError }

    /// Results grouped by file, files in first-seen order.
    package var byFile: [(file: String, results: [ScenarioResult])] {
        var order: [String] = []
        var groups: [String: [ScenarioResult]] = [:]
        for r in results {
            if groups[r.file] == nil { order.append(r.file) }
            groups[r.file, default: []].append(r)
        }
        return order.map { ($0, groups[$0]!) }
    }
}
