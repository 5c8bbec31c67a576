import ShellCore

/// A runbook's `params = {…}` held against the `p.name` reads of its main.
struct DeclaredParameters {
    var names: [(name: String, token: SourceToken)] = []
    let known: Bool

    init(_ spec: StaticTable) {
        guard let params = spec["params"] else { known = false; return }
        guard let table = params.value.table else { known = false; return }
        var known = true
        for field in table.fields {
            if case .name(let n) = field.key { names.append((n, field.token)) } else { known = false }
        }
        self.known = known
    }

    func compare(_ scan: RunbookScan, into report: inout RunbookChecker.Report) {
        guard known, scan.parameterTable != nil else { return }
        let declared = Set(names.map { $0.name })
        let hints = NameSuggestions(names.map { $0.name })
        for use in scan.parameterUses where !declared.contains(use.name) {
            let hint = hints.hint(for: use.name).map { "; \($0)" } ?? ""
            report.error(at: use.token, "parameter '\(use.name)' is read but params does not declare it\(hint)")
        }
        guard !scan.parametersEscape else { return }
        let read = Set(scan.parameterUses.map { $0.name })
        for p in names where !read.contains(p.name) {
            report.warning(at: p.token, "parameter '\(p.name)' is declared but main never reads it")
        }
    }
}
