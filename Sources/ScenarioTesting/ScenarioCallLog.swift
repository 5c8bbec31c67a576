import DeskGate
import Foundation
import JSONValue

/// Every call a scenario's code attempted: the scenario's own gate records,
/// with the records of each `runbook.run` spliced in where the run happened,
/// numbered again in one sequence. This is what `calls()` returns.
package final class ScenarioCallLog {
    private struct Segment {
        /// How many of the scenario's own records came before the run.
        let after: Int
        let source: String
        let records: [CallRecord]
    }

    weak var gate: CallGate?
    private var segments: [Segment] = []

    func add(runbook source: String, records: [CallRecord], outerCountBefore: Int) {
        segments.append(Segment(after: outerCountBefore, source: source, records: records))
    }

    var all: [JSON] {
        let own = gate?.calls ?? []
        var out: [JSON] = []
        var next = 0
        func emit(_ r: CallRecord, _ source: String) {
            guard case .object(var o) = r.json else { return }
            o["seq"] = .int(Int64(out.count + 1))
            o["source"] = .string(source)
            var args: [String: JSON] = [:]
            if !r.query.isEmpty { args["query"] = .object(r.query.mapValues(JSON.string)) }
            if let b = r.body { args["body"] = b }
            o["args"] = .object(args)
            out.append(.object(o))
        }
        for s in segments {
            while next < min(s.after, own.count) { emit(own[next], "scenario"); next += 1 }
            for r in s.records { emit(r, s.source) }
        }
        while next < own.count { emit(own[next], "scenario"); next += 1 }
        return out
    }
}
