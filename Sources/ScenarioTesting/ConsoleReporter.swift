import DeskGate
import Foundation
import ShellCore

/// Human output: one line per scenario, details under each failure, then
/// the closing "N passed, N failed" line.
///
/// Names, messages and output come from the scenario files (hostile like any
/// runbook): each is shown escaped and, below the first line, indented, so
/// none can forge a PASS line or the closing count.
package enum ConsoleReporter {
    package static func line(_ r: ScenarioResult) -> String {
        let mark: String
        switch r.status {
        case .passed: mark = "PASS"
        case .failed: mark = "FAIL"
        case .skipped: mark = "SKIP"
        }
        var out = "\(mark)  \(Terminal.visible(r.file)) › \(Terminal.visible(r.name))"
        if r.status == .failed, let f = r.failure { out += "\n" + details(f, output: r.output) }
        if !r.simUnmodelled.isEmpty {
            out += "\n      simulator did not model: " + SimUnmodelledWatch.describe(r.simUnmodelled).joined(separator: "; ")
        }
        return out
    }

    static func details(_ f: ScenarioResult.Failure, output: String) -> String {
        var lines: [String] = []
        let shown = { (line: Substring) in Terminal.visible(String(line), multiline: true) }
        let message = f.message.split(separator: "\n", omittingEmptySubsequences: false).map(shown)
        if let loc = f.location.map({ Terminal.visible($0) }), !(message.first?.hasPrefix(loc) ?? false) {
            lines.append("      at \(loc)")
        }
        lines += message.map { "      \($0)" }
        if let e = f.expected { lines.append("      expected: \(Terminal.visible(e))") }
        if let a = f.actual { lines.append("      actual:   \(Terminal.visible(a))") }
        if !f.isExpectation, let tb = f.traceback, !tb.isEmpty {
            lines += tb.split(separator: "\n").prefix(12).map { "        \(shown($0))" }
        }
        if !output.isEmpty {
            lines.append("      output:")
            lines += output.split(separator: "\n").suffix(20).map { "        \(shown($0))" }
        }
        return lines.joined(separator: "\n")
    }

    package static func report(_ suite: SuiteReport) -> String {
        (suite.results.map(line) + [suite.summaryLine]).joined(separator: "\n")
    }
}
