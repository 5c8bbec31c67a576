import JSONValue

/// What one call does, as opposed to what its operation usually does:
/// the operation's reviewed class and reach, raised by any effect rule whose
/// condition the call's arguments meet.
public struct CallClassification: Sendable, Equatable {
    /// The class the policy must apply to this call.
    public let safety: Safety
    /// The rule that raised the class (or, failing that, the reach), if any.
    public let rule: EffectRule?
    /// The call reaches records it does not list (empty the recycle bin, reassign
    /// everything an agent owns…): a cap on records cannot count it in advance.
    public let unbounded: Bool
    /// `rule` applied because a value it inspects had the wrong type, not
    /// because the value matched.
    public let conservative: Bool
    /// The call sends or publishes to people outside the org's agents: it
    /// needs a notify grant besides whatever its class needs.
    public let notifies: Bool
    /// The rule that made it notify, when the operation alone does not.
    public let notifyRule: EffectRule?

    public init(safety: Safety, rule: EffectRule?, unbounded: Bool, conservative: Bool = false,
                notifies: Bool = false, notifyRule: EffectRule? = nil) {
        self.safety = safety; self.rule = rule; self.unbounded = unbounded; self.conservative = conservative
        self.notifies = notifies; self.notifyRule = notifyRule
    }

    /// The class in words: "write", "notify", "destructive", "destructive+notify".
    public var label: String {
        guard notifies else { return safety.rawValue }
        return safety == .destructive ? "destructive+notify" : "notify"
    }

    /// One line for plans, audit records and denials when a rule applied:
    /// "agent-disabled (body.status in DISABLED): disables the agent: …".
    public var note: String? {
        guard let rule else { return nil }
        let why = conservative ? "; a value it reads has an unexpected type, so it applies to be safe" : ""
        return "\(rule.id) (\(rule.condition)): \(rule.reason)\(why)"
    }
}

extension Safety: Comparable {
    private var rank: Int {
        switch self {
        case .read: return 0
        case .write: return 1
        case .destructive: return 2
        }
    }

    public static func < (a: Safety, b: Safety) -> Bool { a.rank < b.rank }
}

extension Operation {
    /// Classifies one call by its effect. `query` and `body` are what will be
    /// sent (wire names); the path parameters never change an effect.
    ///
    /// Rules only ever raise: a call is never less than the operation's class.
    public func classify(query: [String: String], body: JSON?) -> CallClassification {
        var safety = self.safety
        var unbounded = self.unbounded
        var chosen: EffectRule?
        var conservative = false
        var notifies = self.notifies
        var notifyRule: EffectRule?
        for rule in effectRules {
            let verdict = rule.condition.verdict(query: query, body: body)
            if verdict == .doesNotHold { continue }
            if rule.notifies {
                if !notifies { notifies = true; notifyRule = rule }
                continue
            }
            let raises = rule.safety > safety
            let widens = rule.unbounded && !unbounded
            guard raises || widens else { continue }
            if raises || chosen == nil {
                // The rule that made the call destructive is the one to name.
                chosen = rule
                conservative = verdict == .undecidable
            }
            safety = max(safety, rule.safety)
            unbounded = unbounded || rule.unbounded
        }
        return CallClassification(safety: safety, rule: chosen, unbounded: unbounded, conservative: conservative,
                                  notifies: notifies, notifyRule: notifyRule)
    }
}

extension EffectCondition {
    /// Whether this condition holds for a call (see EffectConditionEvaluator for how
    /// loosely fields and values are matched).
    public func verdict(query: [String: String], body: JSON?) -> Verdict {
        EffectConditionEvaluator.verdict(self, query: query, body: body)
    }
}
