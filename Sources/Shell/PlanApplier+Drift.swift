import Foundation
import JSONValue

extension PlanApplier {
    /// Apply's use of the drift read: before the first call (and again after
    /// a confirmation, when time passed at the prompt), every record a
    /// pending call changes whose values the plan recorded is read again; a
    /// field that changed since refuses the whole plan as stale (exit 6).
    struct DriftCheck {
        /// Per pending call (by its number): what is watched, or why not.
        let coverage: [Int: DriftRead.Coverage]
        let read: DriftRead

        init(steps: [Step], read: DriftRead) {
            self.read = read
            coverage = Dictionary(uniqueKeysWithValues: steps.map {
                ($0.index, DriftRead.coverage(call: $0.index, $0.call, recorded: $0.recorded))
            })
        }

        var watches: [DriftRead.Watch] { coverage.keys.sorted().flatMap { coverage[$0]!.watches } }

        /// "drift not checked: …" for a call, when (part of) it is not.
        func note(for index: Int) -> String? {
            coverage[index]?.unchecked.map { "drift not checked: \($0)" }
        }

        /// Reads the watched records; throws a stale-plan refusal listing every drifted field.
        func run() async throws {
            let watches = self.watches
            guard !watches.isEmpty else { return }
            let drifts = try await read.drifts(in: watches)
            guard !drifts.isEmpty else { return }
            let records = Set(drifts.map { "\($0.call) \($0.record)" }).count
            let lines = drifts.prefix(50).map { "\n  " + $0.line }.joined() + (drifts.count > 50 ? "\n  … \(drifts.count - 50) more" : "")
            throw PlanRefusal(reason: "\(drifts.count) field\(drifts.count == 1 ? "" : "s") of \(records) record\(records == 1 ? "" : "s") "
                              + "changed since it was made (field: plan's value → current value):\(lines)\n"
                              + "sending it would overwrite those changes; make a new plan from the current state with "
                              + "zdsh apply --refresh, or a new dry run", status: .stalePlan)
        }
    }
}
