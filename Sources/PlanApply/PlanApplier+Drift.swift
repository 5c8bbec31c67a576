import DeskGate
import Foundation
import JSONValue

package extension PlanApplier {
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

        /// A deny that covers the read a drift check needs refuses the apply
        /// (the check is never skipped, and the read never made against it).
        func refuseDeniedReads(_ policy: Policy) throws {
            guard !policy.denials.isEmpty else { return }
            for w in watches {
                guard let denial = policy.denies(w.read.operation.id) else { continue }
                let name = OperationNames.preferred(w.read.operation.id)
                throw PlanRefusal(reason: "call \(w.call) needs \(name) (apply reads it to check the record has not changed since the plan), "
                                  + "and \(name) is denied (\(denial.text)); narrow the --deny/policy rule so it leaves \(name)")
            }
        }

        /// Reads the watched records and answers the calls still to send:
        /// all of them, or a stale-plan refusal listing every drifted field —
        /// or, skipping drifted calls (`--skip-drifted`), the others, with
        /// each drifted field shown.
        func run(_ pending: [Step], skippingDrifted: Bool, progress: (String) -> Void) async throws -> [Step] {
            guard skippingDrifted else {
                try await run()
                return pending
            }
            let drifts = watches.isEmpty ? [] : try await read.drifts(in: watches)
            guard !drifts.isEmpty else { return pending }
            let calls = Set(drifts.map(\.call))
            progress("zdsh: leaving out \(calls.count) call\(calls.count == 1 ? "" : "s") whose records changed since the plan was made (--skip-drifted):"
                     + drifts.prefix(50).map { "\n  " + $0.line }.joined() + (drifts.count > 50 ? "\n  … \(drifts.count - 50) more" : ""))
            return pending.filter { !calls.contains($0.index) }
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
