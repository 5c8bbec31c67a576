import Foundation
import ShellCore

/// TAP version 13: the plan, one `ok`/`not ok` line per scenario (skips as
/// `ok … # SKIP`), a YAML block under each failure, and the closing count
/// as a `#` comment (TAP consumers ignore it; CI greps for it).
package enum TAPReporter {
    package static func report(_ suite: SuiteReport) -> String {
        var lines = ["TAP version 13", "1..\(suite.results.count)"]
        for (i, r) in suite.results.enumerated() {
            // Scenario names are the scenario file's text: one line, nothing a terminal obeys.
            let name = Terminal.visible("\(r.file) › \(r.name)".replacingOccurrences(of: "#", with: "\\#")
                .replacingOccurrences(of: "\n", with: " "))
            switch r.status {
            case .passed:
                lines.append("ok \(i + 1) - \(name)")
            case .skipped:
                lines.append("ok \(i + 1) - \(name) # SKIP")
            case .failed:
                lines.append("not ok \(i + 1) - \(name)")
                if let f = r.failure {
                    lines.append("  ---")
                    lines.append("  message: \(yaml(f.message))")
                    if let loc = f.location { lines.append("  at: \(yaml(loc))") }
                    if let e = f.expected { lines.append("  expected: \(yaml(e))") }
                    if let a = f.actual { lines.append("  actual: \(yaml(a))") }
                    lines.append("  ...")
                }
            }
        }
        lines.append("# \(suite.summaryLine)")
        return lines.joined(separator: "\n")
    }

    /// A YAML double-quoted scalar.
    static func yaml(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    out += String(format: "\\x%02X", c.value)
                } else if Terminal.needsEscape(c, multiline: false) {
                    out += String(format: "\\u%04X", c.value)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}
