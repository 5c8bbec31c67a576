import DeskCatalog

/// One call at the gate: the requests it became (a long id list may be
/// split into several) and what the stages decide on for all of them.
package struct GatedCall: Sendable {
    /// Still to send; resuming a run may narrow or drop some.
    var parts: [PreparedCall]
    /// The first request as the code made it, for messages and records.
    let first: PreparedCall
    /// The strictest effect among the parts.
    let effect: CallClassification
    /// Every id the call names, before any narrowing.
    let ids: [String]
    /// `{ partial = true }`: per-id results instead of an error.
    let partial: Bool

    init?(_ parts: [PreparedCall], partial: Bool) {
        guard let first = parts.first else { return nil }
        self.parts = parts
        self.first = first
        self.effect = Self.strictest(parts.map(\.effect))
        self.ids = parts.flatMap(\.ids)
        self.partial = partial
    }

    var operation: DeskCatalog.Operation { first.operation }
    var uncatalogued: Bool { first.uncatalogued }
    /// A write, a destructive call, or anything outside the catalog.
    var mutates: Bool { effect.safety != .read || uncatalogued }

    static func strictest(_ effects: [CallClassification]) -> CallClassification {
        let rank: [Safety: Int] = [.read: 0, .write: 1, .destructive: 2]
        let worst = effects.max { rank[$0.safety]! < rank[$1.safety]! }!
        return CallClassification(safety: worst.safety, rule: effects.compactMap(\.rule).first ?? worst.rule,
                                  unbounded: effects.contains { $0.unbounded },
                                  notifies: effects.contains { $0.notifies },
                                  notifyRule: effects.compactMap(\.notifyRule).first)
    }
}
