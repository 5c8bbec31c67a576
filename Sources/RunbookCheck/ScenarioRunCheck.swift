import DeskGate
import Foundation
import ShellCore

/// `runbook.run(path, params, options)` in a scenario file, checked against
/// the runbook it names: the file is there, the parameters given are ones
/// it declares, and the `allow`/`deny` patterns name operations.
enum ScenarioRunCheck {
    static func check(_ scan: RunbookScan, file: String, into report: inout RunbookChecker.Report) {
        let folder = (file as NSString).deletingLastPathComponent
        for run in scan.runbookRuns {
            guard let first = run.arguments.first,
                  let path = first.value.stringValue ?? (first.token.kind == .name ? scan.constants[first.token.text] : nil) else { continue }
            let full = (folder as NSString).appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: full) else {
                report.warning(at: first.token, "runbook.run: no runbook at \(path) (paths are relative to the scenario file)")
                continue
            }
            let declared = RunbookDeclaration.parameterNames(in: [UInt8](data))
            if run.arguments.count > 1, let params = run.arguments[1].value.table {
                let hints = NameSuggestions(declared)
                for field in params.fields {
                    guard case .name(let name) = field.key, !declared.contains(name) else { continue }
                    let hint = hints.hint(for: name).map { "; \($0)" } ?? ""
                    report.warning(at: field.token, "runbook.run: \(path) declares no parameter '\(name)'\(hint)")
                }
            }
            if run.arguments.count > 2, let options = run.arguments[2].value.table {
                checkPatterns(options, into: &report)
            }
        }
    }

    /// `allow = {…}` and `deny = {…}`: each a pattern that names some operation.
    private static func checkPatterns(_ options: StaticTable, into report: inout RunbookChecker.Report) {
        for key in ["allow", "deny"] {
            guard let list = options[key]?.value.table else { continue }
            for item in list.positional {
                guard let text = item.value.stringValue else { continue }
                guard let pattern = try? Policy.Pattern(text) else {
                    report.error(at: item.token, "runbook.run: \(key) \"\(text)\" is not an operation pattern")
                    continue
                }
                guard case .name = pattern.kind, !DeclaredOperations.allNames.contains(where: { pattern.matches($0) }) else { continue }
                let hint = OperationNames.hint(for: text).map { "; \($0)" } ?? ""
                report.warning(at: item.token, "runbook.run: \(key) \"\(text)\" names no operation\(hint)")
            }
        }
    }
}
