import DeskCatalog
import DeskGate

/// A runbook's `destructive`, `writes` and `notify` lists as written, held
/// against the calls the file can be seen to make — the rules the gate
/// applies at call time (Policy.decide), applied before anything runs.
struct DeclaredOperations {
    struct Entry {
        let list: String
        let text: String
        let token: SourceToken
        let pattern: Policy.Pattern?
        let error: String?
    }

    var entries: [Entry] = []
    /// Whether the runbook has a `writes` list (then every write must be declared).
    let declaresWrites: Bool

    init(_ spec: StaticTable) {
        declaresWrites = spec["writes"] != nil
        for list in ["destructive", "writes", "notify"] {
            guard let items = spec[list]?.value.table else { continue }
            for item in items.positional {
                guard let text = item.value.stringValue else { continue }
                do {
                    entries.append(Entry(list: list, text: text, token: item.token, pattern: try Policy.Pattern(text), error: String?.none))
                } catch {
                    entries.append(Entry(list: list, text: text, token: item.token, pattern: Policy.Pattern?.none, error: "\(error)"))
                }
            }
        }
    }

    private func declared(_ lists: Set<String>, covers call: StaticCall) -> Bool {
        entries.contains { e in
            guard lists.contains(e.list), let p = e.pattern else { return false }
            if let op = call.operation { return p.matches(names: OperationNames.names(of: op.id)) }
            return false
        }
    }

    func compare(calls: [StaticCall], reachUnknown: Bool, into report: inout RunbookChecker.Report) {
        var reported = Set<String>()
        for call in calls {
            guard let op = call.operation, let effect = call.effect, reported.insert(op.id).inserted else { continue }
            let grant = OperationNames.preferred(op.id)
            if effect.safety == .destructive, !declared(["destructive"], covers: call) {
                report.error(at: call.token, "\(call.calledAs) is destructive and the runbook does not declare it (add \"\(grant)\" to destructive)")
            } else if effect.notifies, !declared(["notify"], covers: call) {
                report.error(at: call.token, "\(call.calledAs) sends to or publishes for people outside the org and the runbook does not declare it (add \"\(grant)\" to notify)")
            } else if effect.safety == .write, declaresWrites, !declared(["destructive", "writes", "notify"], covers: call) {
                report.error(at: call.token, "\(call.calledAs) is a write and the runbook does not declare it (add \"\(grant)\" to writes)")
            }
        }
        for e in entries {
            if let message = e.error { report.error(at: e.token, message); continue }
            guard let p = e.pattern, case .name = p.kind else { continue }
            guard Self.allNames.contains(where: { p.matches($0) }) else {
                let hint = OperationNames.hint(for: e.text).map { "; \($0)" } ?? ""
                report.error(at: e.token, "\(e.list) declares \"\(e.text)\", which names no operation\(hint)")
                continue
            }
            let reached = calls.contains { c in c.operation.map { p.matches(names: OperationNames.names(of: $0.id)) } ?? false }
            if !reached, !reachUnknown {
                report.warning(at: e.token, "\(e.list) declares \"\(e.text)\", which no call in this file reaches")
            }
        }
    }

    /// Every name of every operation, for patterns that name none.
    static let allNames: [String] = Catalog.shared.operations.flatMap { OperationNames.names(of: $0.id) }
}
