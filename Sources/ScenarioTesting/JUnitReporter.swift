import Foundation

/// JUnit XML as CI servers read it: one `<testsuite>` per scenario file,
/// one `<testcase>` per scenario, `<failure>` with the location, expected and
/// actual values, `<skipped/>`, and what the scenario printed.
package enum JUnitReporter {
    package static func report(_ suite: SuiteReport) -> String {
        var x = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        x += #"<testsuites name="zdsh" tests="\#(suite.results.count)" failures="\#(suite.failed)" errors="0" skipped="\#(suite.skipped)" time="\#(seconds(suite.duration))">"# + "\n"
        for group in suite.byFile {
            let rs = group.results
            let failed = rs.filter { $0.status == .failed }.count
            let skipped = rs.filter { $0.status == .skipped }.count
            let time = rs.reduce(0) { $0 + $1.duration }
            x += #"  <testsuite name="\#(escape(group.file))" tests="\#(rs.count)" failures="\#(failed)" errors="0" skipped="\#(skipped)" time="\#(seconds(time))">"# + "\n"
            for r in rs {
                x += #"    <testcase classname="\#(escape(className(r.file)))" name="\#(escape(r.name))" file="\#(escape(r.file))""#
                if let line = r.line { x += #" line="\#(line)""# }
                x += #" time="\#(seconds(r.duration))">"# + "\n"
                switch r.status {
                case .passed: break
                case .skipped: x += "      <skipped/>\n"
                case .failed:
                    let f = r.failure ?? .init(message: "failed")
                    var body = f.location.map { "at \($0)\n" } ?? ""
                    body += f.message
                    if let e = f.expected { body += "\nexpected: \(e)" }
                    if let a = f.actual { body += "\nactual:   \(a)" }
                    if !f.isExpectation, let tb = f.traceback, !tb.isEmpty { body += "\n" + tb }
                    let type = f.isExpectation ? "expectation" : "error"
                    let summary = (f.location.map { "\($0): " } ?? "") + (f.message.split(separator: "\n").first.map(String.init) ?? "")
                    x += #"      <failure message="\#(escape(summary))" type="\#(type)">\#(escape(body))</failure>"# + "\n"
                }
                if !r.output.isEmpty { x += "      <system-out>\(escape(r.output))</system-out>\n" }
                x += "    </testcase>\n"
            }
            x += "  </testsuite>\n"
        }
        x += "</testsuites>\n"
        return x
    }

    static func className(_ file: String) -> String {
        var name = (file as NSString).lastPathComponent
        if name.hasSuffix(".lua") { name.removeLast(4) }
        return name
    }

    static func seconds(_ t: TimeInterval) -> String { String(format: "%.3f", t) }

    /// XML text/attribute escaping; characters XML 1.0 cannot hold are dropped.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t", "\r": out.unicodeScalars.append(c)
            default:
                if c.value < 0x20 || c.value == 0xFFFE || c.value == 0xFFFF { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
