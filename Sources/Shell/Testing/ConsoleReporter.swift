import Foundation

/// Human output: one line per scenario, details under each failure, then
/// the closing "N passed, N failed" line.
public enum ConsoleReporter {
    public static func line(_ r: ScenarioResult) -> String {
        let mark: String
        switch r.status {
        case .passed: mark = "PASS"
        case .failed: mark = "FAIL"
        case .skipped: mark = "SKIP"
        }
        var out = "\(mark)  \(r.file) › \(r.name)"
        if r.status == .failed, let f = r.failure { out += "\n" + details(f, output: r.output) }
        return out
    }

    static func details(_ f: ScenarioResult.Failure, output: String) -> String {
        var lines: [String] = []
        let message = f.message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let loc = f.location, !(message.first?.hasPrefix(loc) ?? false) {
            lines.append("      at \(loc)")
        }
        lines += message.map { "      \($0)" }
        if let e = f.expected { lines.append("      expected: \(e)") }
        if let a = f.actual { lines.append("      actual:   \(a)") }
        if !f.isExpectation, let tb = f.traceback, !tb.isEmpty {
            lines += tb.split(separator: "\n").prefix(12).map { "        \($0)" }
        }
        if !output.isEmpty {
            lines.append("      output:")
            lines += output.split(separator: "\n").suffix(20).map { "        \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    public static func report(_ suite: SuiteReport) -> String {
        (suite.results.map(line) + [suite.summaryLine]).joined(separator: "\n")
    }
}
