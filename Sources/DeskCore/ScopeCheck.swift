/// Decides whether granted OAuth scopes cover an operation before a request
/// is spent on a certain SCOPE_MISMATCH.
public enum ScopeCheck {
    /// Nil when the operation may proceed; otherwise the scope to add.
    /// `required` lists alternatives (any one grants the operation). Unknown
    /// granted scopes (nil) or an operation without scopes always pass.
    public static func missingScope(required: [String], granted: [String]?) -> String? {
        guard let granted, !granted.isEmpty, !required.isEmpty else { return nil }
        for need in required where granted.contains(where: { grants($0, need) }) { return nil }
        return required[0]
    }

    /// Whether `granted` (a token's scopes) covers an operation that needs
    /// one of `required`: what the simulator checks before answering.
    public static func covers(_ granted: [String], _ required: [String]) -> Bool {
        required.isEmpty || required.contains { need in granted.contains { grants($0, need) } }
    }

    /// Scope names are compared case-insensitively; "Desk.tickets.ALL" grants
    /// every "Desk.tickets.<OP>" (and nested groups such as
    /// "Desk.activities.ALL" → "Desk.activities.tasks.READ").
    static func grants(_ granted: String, _ needed: String) -> Bool {
        let g = granted.lowercased(), n = needed.lowercased()
        if g == n { return true }
        if g.hasSuffix(".all") {
            let prefix = String(g.dropLast(3))  // keeps the trailing dot
            return n.hasPrefix(prefix) || n + "." == prefix
        }
        return false
    }
}
