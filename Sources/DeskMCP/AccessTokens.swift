import Crypto
import DeskCore
import DeskGate
import Foundation
import JSONValue
import ShellCore
import Synchronization

/// The bearer tokens of `zdsh mcp --http`: each names its holder (the
/// audit records it on every call) and may narrow the server's grants and
/// caps, never widen them. Only a token's SHA-256 is stored, in
/// `$XDG_STATE_HOME/zdsh/mcp-tokens.json` (0600); the token itself is shown
/// once, when it is created.
package struct AccessToken: Sendable, Equatable {
    package var id: String
    package var holder: String
    package var sha256: String
    package var created: String
    package var revoked: String?
    /// Destructive grants for this holder (nil: the server's); only those the server also grants count.
    package var allow: [String]?
    package var readOnly = false
    package var maxCalls: Int?
    package var maxDestructive: Int?

    var json: JSON {
        var o: [String: JSON] = ["id": .string(id), "holder": .string(holder), "sha256": .string(sha256),
                                 "created": .string(created), "read_only": .bool(readOnly)]
        if let revoked { o["revoked"] = .string(revoked) }
        if let allow { o["allow"] = .array(allow.map(JSON.string)) }
        if let maxCalls { o["max_calls"] = .int(Int64(maxCalls)) }
        if let maxDestructive { o["max_destructive"] = .int(Int64(maxDestructive)) }
        return .object(o)
    }

    init?(json: JSON) {
        guard let id = json["id"]?.stringValue, let holder = json["holder"]?.stringValue,
              let hash = json["sha256"]?.stringValue, let created = json["created"]?.stringValue else { return nil }
        self.id = id; self.holder = holder; self.sha256 = hash; self.created = created
        revoked = json["revoked"]?.stringValue
        allow = json["allow"]?.arrayValue?.compactMap(\.stringValue)
        readOnly = json["read_only"] == .bool(true)
        maxCalls = json["max_calls"]?.intValue.map(Int.init)
        maxDestructive = json["max_destructive"]?.intValue.map(Int.init)
    }

    init(id: String, holder: String, sha256: String, created: String) {
        self.id = id; self.holder = holder; self.sha256 = sha256; self.created = created
    }
}

package struct AccessTokens: Sendable {
    package let path: String

    package init(path: String? = nil) {
        self.path = path ?? ((AuditLog.defaultPath() as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("mcp-tokens.json")
    }

    package func all() throws -> [AccessToken] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        guard case .array(let items) = try JSON.parse(Array(data)) else { throw UsageError("\(path) is not a token list") }
        return items.compactMap(AccessToken.init(json:))
    }

    /// Creates a token for `holder`; answers the secret (shown once) and its record.
    package func create(holder: String, configure: (inout AccessToken) -> Void) throws -> (secret: String, token: AccessToken) {
        guard !holder.trimmingCharacters(in: .whitespaces).isEmpty else { throw UsageError("a token needs a --holder (who uses it)") }
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        let secret = "zdsh_" + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        var token = AccessToken(id: "tok-" + String(UInt32.random(in: 0...UInt32.max), radix: 16), holder: holder,
                                sha256: Self.hash(secret), created: UTCTimestamp.string())
        configure(&token)
        try save(try all() + [token])
        return (secret, token)
    }

    package func revoke(_ id: String) throws -> AccessToken {
        var tokens = try all()
        guard let i = tokens.firstIndex(where: { $0.id == id }) else {
            throw UsageError("no token \(id) (zdsh mcp token list shows them)")
        }
        if tokens[i].revoked == nil { tokens[i].revoked = UTCTimestamp.string() }
        try save(tokens)
        return tokens[i]
    }

    /// The live token whose hash matches `secret`; nil for an unknown or revoked one.
    package func verify(_ secret: String) -> AccessToken? {
        let digest = Self.hash(secret)
        return (try? all())?.first { $0.revoked == nil && Self.equal($0.sha256, digest) }
    }

    static func hash(_ secret: String) -> String {
        Hex.lowercase(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Compares without stopping at the first difference.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func save(_ tokens: [AccessToken]) throws {
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let text = JSON.array(tokens.map(\.json)).encoded(.pretty) + "\n"
        let temp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temp, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw UsageError("cannot write \(temp)")
        }
        guard rename(temp, path) == 0 else { throw UsageError("cannot replace \(path)") }
    }
}
