/// The argument test of an effect rule, e.g. `body.status in DELETED,DISABLED`.
///
/// The catalog generator parses and checks the condition text against Zoho's
/// spec; this is its structured form. `description` spells it the way the
/// reviewed TSV does, so help output and the source of truth read alike.
public struct EffectCondition: Sendable, Hashable, CustomStringConvertible {
    /// Where the spec documents the field. Evaluation also looks in the other
    /// place (see EffectConditionEvaluator), so moving a field does not evade a rule.
    public enum Location: String, Sendable, Hashable { case body, query }

    public enum Test: Sendable, Hashable {
        /// A string equal to one of these, ignoring case, width and invisible characters.
        case isOneOf([String])
        /// A string equal to none of these (same matching); absent or null is not a value.
        case isNoneOf([String])
        /// A boolean (or the string "true"/"false") equal to this one.
        case equals(Bool)
        /// Anything but this boolean, including an absent field.
        case differs(Bool)
        /// Any non-null value.
        case present
        /// An array with more than this many elements.
        case countAbove(Int)
        /// A false boolean (or the string "false") at the field or anywhere under it:
        /// one permission switched off among many.
        case hasFalse
    }

    /// Whether the condition holds for one call.
    public enum Verdict: Sendable, Hashable {
        case holds
        case doesNotHold
        /// A value the test inspects has the wrong type (a number or table where a
        /// string is expected): nobody can say what Zoho makes of it, so the rule
        /// applies, conservatively.
        case undecidable
    }

    public let location: Location
    /// Field names from the body's top level down; a query field has one.
    public let path: [String]
    public let test: Test

    public init(location: Location, path: [String], test: Test) {
        self.location = location; self.path = path; self.test = test
    }

    public var field: String { "\(location.rawValue).\(path.joined(separator: "."))" }

    public var description: String {
        switch test {
        case .isOneOf(let values): return "\(field) in \(values.joined(separator: ","))"
        case .isNoneOf(let values): return "\(field) not in \(values.joined(separator: ","))"
        case .equals(let b): return "\(field) = \(b)"
        case .differs(let b): return "\(field) != \(b)"
        case .present: return "\(field) present"
        case .countAbove(let n): return "\(field) count > \(n)"
        case .hasFalse: return "\(field) has false"
        }
    }
}
