import DeskCatalog
import Foundation
import JSONValue

/// Which destructive calls may leave the process.
///
/// Grants come from `--allow PATTERN` and policy files; a runbook declares
/// the destructive operations it may perform. Effective permission is
/// declared ∩ granted; `eval` and the REPL declare nothing, so grants alone
/// decide. Reads and writes are never blocked by the policy (caps, dry-run
/// and confirmation still apply).
///
/// A call is authorized by what it resolves to, whatever route reached it:
/// a call to a catalog operation by that operation's names (never by the
/// route's name, so `desk.request` grants nothing), a raw request outside the
/// catalog only by a route pattern naming its method and path.
public struct Policy: Sendable, Equatable {
    public var grants: [Pattern]
    public var denials: [Pattern]
    /// Nil when the code declares nothing (eval, REPL).
    public var declared: [Pattern]?
    /// Every destructive operation is granted (`--allow-all-destructive`):
    /// the one master key, which has to be spelled out on its own.
    public var grantsEverything = false

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

    /// The decision for a call to a catalog operation that is destructive
    /// (by its class or by the effect rule its arguments triggered).
    /// `calledAs` only names the call in messages: it is never matched.
    public func decide(destructive operationId: String, calledAs name: String, because rule: String? = nil) -> Decision {
        let names = OperationNames.names(of: operationId)
        let grantName = OperationNames.preferred(operationId)
        let what = rule.map { "\(name) is destructive here (\($0))" } ?? "\(name) is destructive"
        if denials.contains(where: { $0.matches(names: names) }) {
            return .denied(reason: "\(what) and explicitly denied", remedy: "remove the --deny/policy rule")
        }
        guard grantsEverything || grants.contains(where: { $0.matches(names: names) }) else {
            let remedy = "--allow \(grantName)"
            return declared == nil ? .ungranted(reason: "\(what) and not allowed", remedy: remedy)
                                   : .denied(reason: "\(what) and not allowed", remedy: remedy)
        }
        if let declared, !declared.contains(where: { $0.matches(names: names) }) {
            return .denied(reason: "\(what) and the runbook does not declare it",
                           remedy: "add \"\(grantName)\" to the runbook's destructive list")
        }
        return .allowed
    }

    /// The decision for a raw request to a path the catalog does not know:
    /// only a route pattern naming its method and path grants it.
    public func decide(uncatalogued method: String, path: String) -> Decision {
        let suggestion = "--allow '\(method) \(Self.routeSuggestion(path))'"
        let what = "desk.request \(method) \(path) is not a Zoho Desk v1 operation, so it counts as destructive"
        if denials.contains(where: { $0.matches(method: method, path: path) }) {
            return .denied(reason: "\(what) and is explicitly denied", remedy: "remove the --deny/policy rule")
        }
        guard grantsEverything || grants.contains(where: { $0.matches(method: method, path: path) }) else {
            return declared == nil ? .ungranted(reason: "\(what) and nothing allows it", remedy: suggestion)
                                   : .denied(reason: "\(what) and nothing allows it", remedy: suggestion)
        }
        if let declared, !declared.contains(where: { $0.matches(method: method, path: path) }) {
            return .denied(reason: "\(what) and the runbook does not declare it",
                           remedy: "add \"\(method) \(Self.routeSuggestion(path))\" to the runbook's destructive list")
        }
        return .allowed
    }

    /// `/api/v1/foo/12/bar` → `/api/v1/foo/*/bar`: digits-only segments are
    /// usually ids, which a grant should not pin.
    static func routeSuggestion(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { seg in
            !seg.isEmpty && seg.allSatisfy(\.isNumber) ? "*" : String(seg)
        }.joined(separator: "/")
    }

    /// A grant or denial: a glob over an operation's names
    /// (`desk.profiles.delete`, `helpcenter.labels.*`, `deleteProfile`), or a
    /// route for raw requests outside the catalog (`POST /api/v1/foo/*`).
    /// In both, `*` matches within one segment, or at the very end any rest.
    public struct Pattern: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable { case name, route(method: String) }
        public let text: String
        public let kind: Kind
        private let glob: SegmentGlob

        public init(_ text: String) throws {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.count <= 200 else {
                throw PolicyError("invalid operation pattern \"\(text)\": use an operation name (desk.profiles.delete, helpcenter.labels.*, deleteProfile) or a route ('POST /api/v1/foo/*')")
            }
            let parts = trimmed.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count == 2, parts[1].hasPrefix("/") {
                let method = parts[0].uppercased()
                guard ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) else {
                    throw PolicyError("invalid operation pattern \"\(text)\": a route's method must be one of GET, POST, PUT, PATCH, DELETE")
                }
                let path = String(parts[1])
                guard path.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_-.*".contains($0)) }) else {
                    throw PolicyError("invalid operation pattern \"\(text)\": a route's path may hold letters, digits, / _ - . and *")
                }
                self.text = "\(method) \(path)"
                kind = .route(method: method)
                glob = SegmentGlob(path, separator: "/")
            } else {
                guard trimmed.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._*".contains($0)) }) else {
                    throw PolicyError("invalid operation pattern \"\(text)\": use an operation name (desk.profiles.delete, helpcenter.labels.*, deleteProfile) or a route ('POST /api/v1/foo/*')")
                }
                self.text = trimmed
                kind = .name
                glob = SegmentGlob(trimmed, separator: ".")
            }
        }

        private func test(_ s: String) -> Bool { glob.matches(s) }

        /// A name pattern against any of an operation's names.
        public func matches(names: [String]) -> Bool {
            guard kind == .name else { return false }
            return names.contains(where: test)
        }

        /// A name pattern against one name.
        public func matches(_ name: String) -> Bool { matches(names: [name]) }

        /// A route pattern against a raw request outside the catalog.
        public func matches(method: String, path: String) -> Bool {
            guard case .route(let m) = kind, m == method.uppercased() else { return false }
            return test(path)
        }

        /// Only wildcards (`*`, `*.*`, `*.*.*`): it would name every operation.
        public var isMasterKey: Bool {
            switch kind {
            case .name: return text.allSatisfy { $0 == "*" || $0 == "." }
            case .route: return text.split(separator: " ")[1].allSatisfy { $0 == "*" || $0 == "/" }
            }
        }

        /// The destructive operations this pattern names (empty for routes).
        public var destructiveOperations: [String] {
            guard kind == .name else { return [] }
            return Catalog.shared.operations.filter { op in
                op.mayBeDestructive && matches(names: OperationNames.names(of: op.id))
            }.map(\.id)
        }

        /// Whether the pattern names any operation at all.
        public var namesSomeOperation: Bool {
            guard kind == .name else { return true }
            return Catalog.shared.operations.contains { matches(names: OperationNames.names(of: $0.id)) }
        }

        public var description: String { text }
        public static func == (a: Pattern, b: Pattern) -> Bool { a.text == b.text }
    }

    /// The policy an operator gave on the command line: `--allow`, `--deny`,
    /// a policy file and `--allow-all-destructive`. Ambiguity is an error: a
    /// pattern that names no operation, a master-key pattern spelled as a
    /// glob, an unknown key in the file.
    public static func fromCommandLine(allow: [String], deny: [String], file: String?,
                                       allowAllDestructive: Bool = false) throws -> Policy {
        var policy = Policy(grants: try allow.map { try checked($0, flag: "--allow") },
                            denials: try deny.map { try checked($0, flag: "--deny") })
        if let file {
            let loaded = try load(file: file)
            policy.grants += loaded.grants
            policy.denials += loaded.denials
        }
        policy.grantsEverything = allowAllDestructive
        return policy
    }

    static func checked(_ text: String, flag: String) throws -> Pattern {
        if text.trimmingCharacters(in: .whitespaces) == "desk.request" {
            throw PolicyError("\(flag) desk.request: a raw request is granted by what it calls — name the operation (--allow deleteProfile) or, for a path outside the catalog, its method and path (--allow 'POST /api/v1/foo/*')")
        }
        let p = try Pattern(text)
        // A glob that reaches every destructive operation (`*`, `desk.*` and
        // `desk.api.*` through the `desk.api.<id>` names) is a master key too.
        if p.isMasterKey || (p.kind == .name && Set(p.destructiveOperations) == allMayBeDestructive) {
            throw PolicyError("\(flag) '\(p.text)' would name every operation; to grant every destructive operation, say so with --allow-all-destructive")
        }
        if !p.namesSomeOperation {
            let hint = OperationNames.hint(for: p.text).map { "; \($0)" } ?? ""
            throw PolicyError("\(flag) \(p.text) matches no operation\(hint) (see zdsh api list)")
        }
        return p
    }

    static let allMayBeDestructive = Set(Catalog.shared.operations.filter(\.mayBeDestructive).map(\.id))

    /// Reads a policy file: JSON `{"allow": [...], "deny": [...]}`.
    public static func load(file: String) throws -> Policy {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PolicyError("cannot read policy file \(file)")
        }
        let json: JSON
        do { json = try JSON.parse(Array(data)) } catch { throw PolicyError("policy file \(file): \(error)") }
        guard case .object(let fields) = json else { throw PolicyError("policy file \(file): expected a JSON object with \"allow\" and \"deny\"") }
        if let unknown = fields.keys.sorted().first(where: { !["allow", "deny"].contains($0) }) {
            throw PolicyError("policy file \(file): unknown key \"\(unknown)\" (expected \"allow\" and \"deny\")")
        }
        func list(_ key: String) throws -> [Pattern] {
            guard let v = json[key] else { return [] }
            guard let items = v.arrayValue else { throw PolicyError("policy file \(file): \"\(key)\" must be a list of patterns") }
            return try items.map {
                guard let s = $0.stringValue else { throw PolicyError("policy file \(file): \"\(key)\" must contain strings") }
                return try checked(s, flag: "policy file \(file): \"\(key)\"")
            }
        }
        return Policy(grants: try list("allow"), denials: try list("deny"))
    }
}

public struct PolicyError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ d: String) { description = d }
}
