/// Effect facts in the words `zdsh api show`, `api list` and the REPL use.
extension Operation {
    /// Destructive as such, or under some arguments (an effect rule says so).
    public var mayBeDestructive: Bool {
        safety == .destructive || effectRules.contains { $0.safety == .destructive }
    }

    /// "destructive if body.status in DISABLED", "unbounded if body.handleExistingTickets = true".
    public func effectNote(for rule: EffectRule) -> String {
        var effects: [String] = []
        if rule.safety > safety { effects.append(rule.safety.rawValue) }
        if rule.unbounded && !unbounded { effects.append("unbounded") }
        return "\(effects.joined(separator: ", ")) if \(rule.condition)"
    }

    /// The class as one short phrase: "write", "destructive, unbounded",
    /// "write; destructive if body.status in DISABLED".
    public var safetySummary: String {
        ([safety.rawValue + (unbounded ? ", unbounded" : "")] + effectRules.map(effectNote(for:)))
            .joined(separator: "; ")
    }
}
