import DeskCatalog
import Foundation
import JSONValue

/// Which destructive operations may leave the process.
///
/// Grants come from `--allow PATTERN` and policy files; a runbook declares
/// the destructive operations it may perform. Effective permission is
/// declared ∩ granted; `eval` and the REPL declare nothing, so grants alone
/// decide. Reads and writes are never blocked by the policy (caps, dry-run
/// and confirmation still apply).
public struct Policy: Sendable, Equatable {
    public var grants: [Pattern]
    public var denials: [Pattern]
    /// Nil when the code declares nothing (eval, REPL).
    public var declared: [Pattern]?

    public init(grants: [Pattern] = [], denials: [Pattern] = [], declared: [Pattern]? = nil) {
        self.grants = grants; self.denials = denials; self.declared = declared
    }

    public enum Decision: Equatable, Sendable {
        case allowed
        /// Why, and the flag or declaration that would allow it.
        case denied(reason: String, remedy: String)
        /// Refused only because nothing grants it, where nothing is declared
        /// (eval, REPL): an interactive session may ask the user instead.
        case ungranted(reason: String, remedy: String)

        public var refusal: (reason: String, remedy: String)? {
            switch self {
            case .allowed: return nil
            case .denied(let r, let m), .ungranted(let r, let m): return (r, m)
            }
        }
    }

    public func decide(operation: DeskCatalog.Operation, calledAs name: String) -> Decision {
        guard operation.safety == .destructive else { return .allowed }
        let names = OperationNames.names(of: operation.id) + [name]
        if denials.contains(where: { p in names.contains { p.matches($0) } }) {
            return .denied(reason: "\(name) is destructive and explicitly denied", remedy: "remove the --deny/policy rule")
        }
        guard grants.contains(where: { p in names.contains { p.matches($0) } }) else {
            if declared == nil { return .ungranted(reason: "\(name) is destructive and not allowed", remedy: "--allow \(name)") }
            return .denied(reason: "\(name) is destructive and not allowed", remedy: "--allow \(name)")
        }
        if let declared, !declared.contains(where: { p in names.contains { p.matches($0) } }) {
            return .denied(reason: "\(name) is destructive and the runbook does not declare it",
                           remedy: "add \"\(name)\" to the runbook's destructive list")
        }
        return .allowed
    }

    /// A glob over dotted operation identities: `*` matches within one
    /// segment or, at the end, any rest (`helpcenter.labels.*`, `*`).
    public struct Pattern: Sendable, Equatable, CustomStringConvertible {
        public let text: String
        private let regex: NSRegularExpression?

        public init(_ text: String) throws {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.count <= 200,
                  trimmed.allSatisfy({ $0.isLetter || $0.isNumber || "._*".contains($0) }) else {
                throw PolicyError("invalid operation pattern \"\(text)\": use names like desk.profiles.delete, helpcenter.labels.* or an operationId")
            }
            self.text = trimmed
            var re = "^"
            var chars = Array(trimmed)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if c == "*" {
                    re += (i == chars.count - 1) ? ".*" : "[^.]*"
                } else {
                    re += NSRegularExpression.escapedPattern(for: String(c))
                }
                i += 1
            }
            chars.removeAll()
            regex = try? NSRegularExpression(pattern: re + "$")
        }

        public func matches(_ name: String) -> Bool {
            guard let regex else { return false }
            return regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
        }

        public var description: String { text }
        public static func == (a: Pattern, b: Pattern) -> Bool { a.text == b.text }
    }

    /// Reads a policy file: JSON `{"allow": [...], "deny": [...]}`.
    public static func load(file: String) throws -> Policy {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PolicyError("cannot read policy file \(file)")
        }
        let json: JSON
        do { json = try JSON.parse(Array(data)) } catch { throw PolicyError("policy file \(file): \(error)") }
        func list(_ key: String) throws -> [Pattern] {
            guard let v = json[key] else { return [] }
            guard let items = v.arrayValue else { throw PolicyError("policy file \(file): \"\(key)\" must be a list of patterns") }
            return try items.map {
                guard let s = $0.stringValue else { throw PolicyError("policy file \(file): \"\(key)\" must contain strings") }
                return try Pattern(s)
            }
        }
        return Policy(grants: try list("allow"), denials: try list("deny"))
    }
}

public struct PolicyError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ d: String) { description = d }
}
