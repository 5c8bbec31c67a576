/// A reviewed rule (catalog/effect-rules.tsv): when a call's arguments meet
/// `condition`, the call is `safety` (and `unbounded`, when set) whatever the
/// operation's own class says. `updateAgent` is a write, but
/// `updateAgent{status="DISABLED"}` does what `deactivateAgents` does.
public struct EffectRule: Sendable, Hashable {
    /// Stable id ("agent-disabled"), named in plans, audit records and `zdsh api show`.
    public let id: String
    public let operationId: String
    public let condition: EffectCondition
    /// Class of the call when the condition holds.
    public let safety: Safety
    /// Whether the call then reaches records it does not list (every ticket
    /// of a contact, every record on a layout…), so no cap can count them.
    public let unbounded: Bool
    /// The effect, in a few reviewed words.
    public let reason: String
    /// The call then sends or publishes to outside people (safety `notify` in
    /// the TSV): it needs a notify grant; `safety` stays the operation's own.
    public let notifies: Bool

    public init(id: String, operationId: String, condition: EffectCondition, safety: Safety,
                unbounded: Bool, reason: String, notifies: Bool = false) {
        self.id = id; self.operationId = operationId; self.condition = condition
        self.safety = safety; self.unbounded = unbounded; self.reason = reason; self.notifies = notifies
    }
}
