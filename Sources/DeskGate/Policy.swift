import DeskCatalog
import Foundation
import JSONValue
import ShellCore

/// Which calls may leave the process.
///
/// Grants come from `--allow PATTERN` and policy files; a runbook declares
/// the destructive operations, the writes and the notify operations it may
/// perform. Destructive and notify calls need declared ∩ granted (a call
/// that is both needs both); a write needs only its declaration. `eval`
/// and the REPL declare nothing, so grants alone decide. A denial (`--deny`,
/// a policy file's `deny`) refuses a call of any class, reads included.
///
/// A call is authorized by what it resolves to, whatever route reached it:
/// a call to a catalog operation by that operation's names (never by the
/// route's name, so `desk.request` grants nothing), a raw request outside the
/// catalog only by a route pattern naming its method and path.
package struct Policy: Sendable, Equatable {
    package var grants: [Pattern]
    package var denials: [Pattern]
    /// Nil when the code declares nothing (eval, REPL).
    package var declared: [Pattern]?
    /// The writes a runbook declares (`writes = {…}`); nil: nothing declared (eval, REPL).
    package var declaredWrites: [Pattern]?
    /// The notify operations a runbook declares (`notify = {…}`); nil as above.
    package var declaredNotify: [Pattern]?
    /// Records writes may affect across the run (`--max-writes`, the policy
    /// file's `max_writes`, per profile); nil: the file sets no cap.
    package var maxWrites: Int?
    /// Every destructive operation is granted (`--allow-all-destructive`):
    /// the one master key, which has to be spelled out on its own.
    package var grantsEverything = false

    package init(grants: [Pattern] = [], denials: [Pattern] = [], declared: [Pattern]? = nil) {
        self.grants = grants; self.denials = denials; self.declared = declared
    }

    package enum Decision: Equatable, Sendable {
        case allowed
        /// Why, and the flag or declaration that would allow it.
        case denied(reason: String, remedy: String)
        /// Refused only because nothing grants it, where nothing is declared
        /// (eval, REPL): an interactive session may ask the user instead.
        case ungranted(reason: String, remedy: String)

        package var refusal: (reason: String, remedy: String)? {
            switch self {
            case .allowed: return nil
            case .denied(let r, let m), .ungranted(let r, let m): return (r, m)
            }
        }
    }

    /// The decision for one call to a catalog operation, by what it does:
    /// a denial refuses any class; a destructive call needs its grant and
    /// declaration, a notify call its own (never `--allow-all-destructive`),
    /// a write its declaration.
    package func decide(call operationId: String, calledAs name: String, effect: CallClassification) -> Decision {
        let names = OperationNames.names(of: operationId)
        if let denial = denials.first(where: { $0.matches(names: names) }) {
            return .denied(reason: "\(name) is explicitly denied (\(denial.text))", remedy: "remove the --deny/policy rule")
        }
        if effect.safety == .destructive {
            let d = decide(destructive: operationId, calledAs: name, because: effect.rule.map { "rule \($0.id): \($0.reason)" })
            if d != .allowed { return d }
        }
        if effect.notifies {
            return decide(notify: operationId, calledAs: name, because: effect.notifyRule.map { "rule \($0.id): \($0.reason)" })
        }
        if effect.safety == .write, let declaredWrites {
            let declaredAtAll = (declaredWrites + (declaredNotify ?? []) + (declared ?? [])).contains { $0.matches(names: names) }
            if !declaredAtAll {
                return .denied(reason: "\(name) is a write and the runbook does not declare it",
                               remedy: "add \"\(OperationNames.preferred(operationId))\" to the runbook's writes list")
            }
        }
        return .allowed
    }

    /// A call that sends or publishes to outside people: granted by name
    /// only (no master key grants it), and declared in `notify = {…}`.
    package func decide(notify operationId: String, calledAs name: String, because rule: String? = nil) -> Decision {
        let names = OperationNames.names(of: operationId)
        let grantName = OperationNames.preferred(operationId)
        let what = rule.map { "\(name) sends to or publishes for people outside the org here (\($0))" }
            ?? "\(name) sends to or publishes for people outside the org (notify)"
        if denials.contains(where: { $0.matches(names: names) }) {
            return .denied(reason: "\(what) and explicitly denied", remedy: "remove the --deny/policy rule")
        }
        guard grants.contains(where: { $0.matches(names: names) }) else {
            let remedy = "--allow \(grantName)" + (grantsEverything ? " (--allow-all-destructive does not grant notify calls)" : "")
            return declaredNotify == nil ? .ungranted(reason: "\(what) and not allowed", remedy: remedy)
                                         : .denied(reason: "\(what) and not allowed", remedy: remedy)
        }
        if let declaredNotify, !declaredNotify.contains(where: { $0.matches(names: names) }) {
            return .denied(reason: "\(what) and the runbook does not declare it",
                           remedy: "add \"\(grantName)\" to the runbook's notify list")
        }
        return .allowed
    }

    /// Whether a deny names this operation (any class: reads too).
    package func denies(_ operationId: String) -> Pattern? {
        let names = OperationNames.names(of: operationId)
        return denials.first { $0.matches(names: names) }
    }

    /// The decision for a call to a catalog operation that is destructive
    /// (by its class or by the effect rule its arguments triggered).
    /// `calledAs` only names the call in messages: it is never matched.
    package func decide(destructive operationId: String, calledAs name: String, because rule: String? = nil) -> Decision {
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
    package func decide(uncatalogued method: String, path: String) -> Decision {
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
    package struct Pattern: Sendable, Equatable, CustomStringConvertible {
        package enum Kind: Sendable, Equatable { case name, route(method: String) }
        package let text: String
        package let kind: Kind
        private let glob: SegmentGlob

        package init(_ text: String) throws {
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
        package func matches(names: [String]) -> Bool {
            guard kind == .name else { return false }
            return names.contains(where: test)
        }

        /// A name pattern against one name.
        package func matches(_ name: String) -> Bool { matches(names: [name]) }

        /// A route pattern against a raw request outside the catalog.
        package func matches(method: String, path: String) -> Bool {
            guard case .route(let m) = kind, m == method.uppercased() else { return false }
            return test(path)
        }

        /// Only wildcards (`*`, `*.*`, `*.*.*`): it would name every operation.
        package var isMasterKey: Bool {
            switch kind {
            case .name: return text.allSatisfy { $0 == "*" || $0 == "." }
            case .route: return text.split(separator: " ")[1].allSatisfy { $0 == "*" || $0 == "/" }
            }
        }

        /// The destructive operations this pattern names (empty for routes).
        package var destructiveOperations: [String] {
            guard kind == .name else { return [] }
            return Catalog.shared.operations.filter { op in
                op.mayBeDestructive && matches(names: OperationNames.names(of: op.id))
            }.map(\.id)
        }

        /// The notify operations this pattern names (empty for routes).
        package var notifyOperations: [String] {
            guard kind == .name else { return [] }
            return Catalog.shared.operations.filter { op in
                op.mayNotify && matches(names: OperationNames.names(of: op.id))
            }.map(\.id)
        }

        /// The resource groups of the operations it names: the namespace of
        /// each one's friendly name (`helpcenter.labels`, `desk.tickets.comments`),
        /// or its OpenAPI file where it has none.
        package var groups: Set<String> {
            guard kind == .name else { return [] }
            return Set(Catalog.shared.operations.filter { matches(names: OperationNames.names(of: $0.id)) }.map { op in
                let name = OperationNames.preferred(op.id)
                guard !name.hasPrefix("desk.api."), let dot = name.lastIndex(of: ".") else { return "desk.api (\(op.group))" }
                return String(name[..<dot])
            })
        }

        /// Whether the pattern names any operation at all.
        package var namesSomeOperation: Bool {
            guard kind == .name else { return true }
            return Catalog.shared.operations.contains { matches(names: OperationNames.names(of: $0.id)) }
        }

        package var description: String { text }
        package static func == (a: Pattern, b: Pattern) -> Bool { a.text == b.text }
    }

    /// The policy an operator gave on the command line: `--allow`, `--deny`,
    /// a policy file and `--allow-all-destructive`. Ambiguity is an error: a
    /// pattern that names no operation, a master-key pattern spelled as a
    /// glob, an unknown key in the file.
    package static func fromCommandLine(allow: [String], deny: [String], file: String?,
                                       allowAllDestructive: Bool = false, profile: String? = nil) throws -> Policy {
        var policy = Policy(grants: try allow.map { try checked($0, flag: "--allow") },
                            denials: try deny.map { try checked($0, flag: "--deny", grant: false) })
        if let file {
            let loaded = try load(file: file, profile: profile)
            policy.grants += loaded.grants
            policy.denials += loaded.denials
            policy.maxWrites = loaded.maxWrites
        }
        policy.grantsEverything = allowAllDestructive
        return policy
    }

    package static func checked(_ text: String, flag: String, grant: Bool = true) throws -> Pattern {
        if text.trimmingCharacters(in: .whitespaces) == "desk.request" {
            throw PolicyError("\(flag) desk.request: a raw request is granted by what it calls — name the operation (--allow deleteProfile) or, for a path outside the catalog, its method and path (--allow 'POST /api/v1/foo/*')")
        }
        let p = try Pattern(text)
        // A glob that reaches every destructive operation (`*`, `desk.*` and
        // `desk.api.*` through the `desk.api.<id>` names) is a master key too.
        if grant, p.isMasterKey || (p.kind == .name && Set(p.destructiveOperations) == allMayBeDestructive) {
            throw PolicyError("\(flag) '\(p.text)' would name every operation; to grant every destructive operation, say so with --allow-all-destructive")
        }
        if !p.namesSomeOperation {
            let hint = OperationNames.hint(for: p.text).map { "; \($0)" } ?? ""
            throw PolicyError("\(flag) \(p.text) matches no operation\(hint) (see zdsh api list)")
        }
        // A grant reaching destructive operations across resource groups is
        // a net cast too wide to review (`desk.api.*e*`, `desk.*.delete`);
        // a denial may be as broad as it likes.
        if grant, p.kind == .name, !p.destructiveOperations.isEmpty, p.groups.count > 1 {
            let groups = p.groups.sorted()
            throw PolicyError("\(flag) '\(p.text)' reaches destructive operations in \(groups.count) resource groups (\(groups.prefix(5).joined(separator: ", "))\(groups.count > 5 ? ", …" : "")); grant the operations by name, or a pattern within one group (helpcenter.labels.*)")
        }
        return p
    }

    static let allMayBeDestructive = Set(Catalog.shared.operations.filter(\.mayBeDestructive).map(\.id))

    /// Reads a policy file: JSON `{"allow": [...], "deny": [...], "max_writes": N,
    /// "profiles": {"NAME": {"max_writes": N}}}`; a profile's own cap wins.
    package static func load(file: String, profile: String? = nil) throws -> Policy {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PolicyError("cannot read policy file \(file)")
        }
        let json: JSON
        do { json = try JSON.parse(Array(data)) } catch { throw PolicyError("policy file \(file): \(error)") }
        guard case .object(let fields) = json else { throw PolicyError("policy file \(file): expected a JSON object with \"allow\" and \"deny\"") }
        if let unknown = fields.keys.sorted().first(where: { !["allow", "deny", "max_writes", "profiles"].contains($0) }) {
            throw PolicyError("policy file \(file): unknown key \"\(unknown)\" (expected \"allow\", \"deny\", \"max_writes\" and \"profiles\")")
        }
        var maxWrites = try writeCap(fields["max_writes"], file: file, key: "max_writes")
        if let profiles = fields["profiles"] {
            guard case .object(let byName) = profiles else { throw PolicyError("policy file \(file): \"profiles\" must map profile names to objects") }
            for (name, entry) in byName {
                guard case .object(let settings) = entry else { throw PolicyError("policy file \(file): profile \"\(name)\" must be an object") }
                if let unknown = settings.keys.sorted().first(where: { $0 != "max_writes" }) {
                    throw PolicyError("policy file \(file): profile \"\(name)\": unknown key \"\(unknown)\" (expected \"max_writes\")")
                }
                let cap = try writeCap(settings["max_writes"], file: file, key: "profiles.\(name).max_writes")
                if name == profile, let cap { maxWrites = cap }
            }
        }
        func list(_ key: String, grant: Bool) throws -> [Pattern] {
            guard let v = json[key] else { return [] }
            guard let items = v.arrayValue else { throw PolicyError("policy file \(file): \"\(key)\" must be a list of patterns") }
            return try items.map {
                guard let s = $0.stringValue else { throw PolicyError("policy file \(file): \"\(key)\" must contain strings") }
                return try checked(s, flag: "policy file \(file): \"\(key)\"", grant: grant)
            }
        }
        // Deny patterns may be broad: only grants are held to one resource group.
        var policy = Policy(grants: try list("allow", grant: true), denials: try list("deny", grant: false))
        policy.maxWrites = maxWrites
        return policy
    }

    private static func writeCap(_ value: JSON?, file: String, key: String) throws -> Int? {
        guard let value, value != .null else { return nil }
        guard let n = value.intValue, n >= 0 else { throw PolicyError("policy file \(file): \"\(key)\" must be a non-negative integer") }
        return Int(n)
    }
}

package struct PolicyError: Error, CustomStringConvertible, Sendable {
    package let description: String
    package init(_ d: String) { description = d }
}
