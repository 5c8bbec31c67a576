/// Effect facts in the words `zdsh api show`, `api list` and the REPL use.
extension Operation {
    /// Destructive as such, or under some arguments (an effect rule says so).
    public var mayBeDestructive: Bool {
        safety == .destructive || effectRules.contains { $0.safety == .destructive }
    }

    /// Sends or publishes to outside people as such, or under some arguments.
    public var mayNotify: Bool {
        notifies || effectRules.contains(where: \.notifies)
    }

    /// "destructive if body.status in DISABLED", "unbounded if body.handleExistingTickets = true".
    public func effectNote(for rule: EffectRule) -> String {
        if rule.notifies { return "notify if \(rule.condition)" }
        var effects: [String] = []
        if rule.safety > safety { effects.append(rule.safety.rawValue) }
        if rule.unbounded && !unbounded { effects.append("unbounded") }
        return "\(effects.joined(separator: ", ")) if \(rule.condition)"
    }

    /// The class as one short phrase: "write", "destructive, unbounded",
    /// "write; destructive if body.status in DISABLED".
    public var safetySummary: String {
        ([(notifies ? "notify" : safety.rawValue) + (unbounded ? ", unbounded" : "")] + effectRules.map(effectNote(for:)))
            .joined(separator: "; ")
    }
}
