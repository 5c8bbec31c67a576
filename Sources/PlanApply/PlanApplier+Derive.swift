import DeskCatalog
import DeskGate
import Foundation
import JSONValue
import ShellCore

package extension PlanApplier {
    /// Every recorded call, derived again from method + path and checked.
    /// A call that disagrees with itself refuses the plan at once (it was
    /// forged); calls the policy does not allow are collected, so the
    /// refusal names every missing grant at once, not one per attempt.
    func derive(_ calls: [JSON], policy: Policy, uploadRoots: [String] = []) throws -> [Step] {
        var steps: [Step] = []
        var refused: [(call: String, reason: String, remedy: String)] = []
        for (n, c) in calls.enumerated() {
            let index = n + 1
            let call = try rederive(c, index: index, uploadRoots: uploadRoots)
            steps.append(Step(index: index, call: call, recorded: c.objectValue ?? [:]))
            let op = call.operation
            // Every class: a deny refuses writes too, notify calls need their grant.
            let decision = policy.decide(call: op.id, calledAs: OperationNames.preferred(op.id), effect: call.effect)
            if let (reason, remedy) = decision.refusal {
                refused.append(("call \(index) (\(op.id) \(call.ids.prefix(5).joined(separator: ", ")))", reason, remedy))
            }
        }
        if !refused.isEmpty { throw Self.grantRefusal(refused) }
        try checkDestructiveCap(steps)
        try checkWriteCap(steps, max: options.maxWrites ?? policy.maxWrites)
        return steps
    }

    /// One refusal naming every call not allowed and, once each, what allows them.
    static func grantRefusal(_ refused: [(call: String, reason: String, remedy: String)]) -> PlanRefusal {
        var remedies: [String] = []
        for r in refused where !remedies.contains(r.remedy) { remedies.append(r.remedy) }
        if refused.count == 1, let r = refused.first {
            return PlanRefusal(reason: "\(r.call) is denied: \(r.reason); to allow it: \(r.remedy)")
        }
        let lines = refused.prefix(50).map { "\n  \($0.call): \($0.reason)" }.joined()
            + (refused.count > 50 ? "\n  … \(refused.count - 50) more" : "")
        return PlanRefusal(reason: "\(refused.count) calls are denied:\(lines)\nto allow them all: \(remedies.joined(separator: " "))")
    }

    /// The destructive cap over the whole plan, and unbounded calls.
    private func checkDestructiveCap(_ steps: [Step]) throws {
        var destructiveRecords = 0
        for step in steps where step.call.effect.safety == .destructive {
            if let records = step.call.records {
                destructiveRecords += records
                if destructiveRecords > options.maxDestructive {
                    throw PlanRefusal(reason: "its destructive calls affect more than \(options.maxDestructive) records (raise the cap with --max-destructive)")
                }
            } else if !options.allowUnbounded {
                throw PlanRefusal(reason: "call \(step.index) (\(step.call.operation.id)) affects an unbounded set of records; allow it with --allow-unbounded")
            }
        }
    }

    /// The write cap over the whole plan, as a run counts it: records of
    /// writes and notify calls (destructive ones have their own cap).
    private func checkWriteCap(_ steps: [Step], max: Int?) throws {
        var records = 0
        for step in steps where step.call.effect.safety == .write {
            guard let n = step.call.records else {
                if options.allowUnbounded { continue }
                throw PlanRefusal(reason: "call \(step.index) (\(step.call.operation.id)) writes to an unbounded set of records; allow it with --allow-unbounded")
            }
            records += n
            if let max, records > max {
                throw PlanRefusal(reason: "its writes affect more than \(max) records (raise the cap with --max-writes)")
            }
        }
    }

    /// One recorded call derived again from its method and path through the
    /// catalog, its arguments bound as a live call binds them, and its
    /// recorded operation, ids and safety checked against what it really is.
    func rederive(_ recorded: JSON, index: Int, uploadRoots: [String]) throws -> PreparedCall {
        func refuse(_ why: String) -> PlanRefusal { PlanRefusal(reason: "call \(index) \(why)") }
        guard case .object(let o) = recorded, let method = o["method"]?.stringValue, let path = o["path"]?.stringValue else {
            throw refuse("has no method and path")
        }
        guard ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) else { throw refuse("has an unknown method \(Terminal.visible(method))") }
        guard path.hasPrefix("/"), !path.contains("?"), !path.contains(where: { $0.isWhitespace }) else {
            throw refuse("has a malformed path \(Terminal.visible(path))")
        }
        guard let match = Catalog.shared.match(method: method, path: path) else {
            throw refuse("(\(method) \(Terminal.visible(path))) resolves to no Zoho Desk operation; plans may only hold catalog operations")
        }
        let op = match.operation
        guard o["operation"]?.stringValue == op.id else {
            throw refuse("claims operation \(Terminal.visible(o["operation"]?.stringValue ?? "(none)")) but \(method) \(Terminal.visible(path)) is \(op.id)")
        }
        let query = try recordedQuery(o["query"], refuse: refuse)
        let parts: [PreparedCall]
        do {
            parts = try ArgumentBinder.bind(operation: op, calledAs: OperationNames.preferred(op.id),
                                            path: match.pathParameters, query: query,
                                            body: recordedBody(o["body"], unchecked: o["unchecked"]))
                .map { try $0.loadingUploads(from: UploadFiles(roots: uploadRoots)) }
        } catch {
            throw refuse("has arguments \(op.id) does not accept: \(Terminal.visible("\(error)"))")
        }
        guard parts.count == 1, let call = parts.first else {
            throw refuse("holds more ids than one \(op.id) request accepts")
        }
        let recordedIds = o["ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if recordedIds.sorted() != call.ids.sorted() {
            throw refuse("lists ids \(Terminal.visible(recordedIds.joined(separator: ","))) but its path and body name \(call.ids.joined(separator: ","))")
        }
        let effect = call.effect
        if effect.safety == .read {
            throw refuse("is a read (\(op.id)); plans hold only writes")
        }
        if o["safety"]?.stringValue != effect.safety.rawValue {
            throw refuse("is recorded as \(Terminal.visible(o["safety"]?.stringValue ?? "(none)")) but \(op.id) with these arguments is \(effect.safety.rawValue)")
        }
        return call
    }

    /// A recorded body, with the `desk.unchecked` marks its plan recorded put
    /// back (the plan is signed, so they are the dry run's own).
    private func recordedBody(_ body: JSON?, unchecked: JSON?) -> JSON? {
        guard let body, let paths = unchecked?.arrayValue?.compactMap(\.stringValue), !paths.isEmpty else { return body }
        return UncheckedFields.reapply(paths, to: body)
    }

    /// A recorded query: an object of strings, or nothing.
    func recordedQuery(_ value: JSON?, refuse: (String) -> PlanRefusal) throws -> [String: String] {
        var query: [String: String] = [:]
        switch value {
        case nil, .null?: break
        case .object(let q)?:
            for (k, v) in q {
                guard let s = v.stringValue else { throw refuse("has a query value for \(Terminal.visible(k)) that is not a string") }
                query[k] = s
            }
        default: throw refuse("has a query that is not an object")
        }
        return query
    }

}
