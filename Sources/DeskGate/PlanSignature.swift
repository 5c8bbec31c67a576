import Crypto
import Foundation
import JSONValue
import ShellCore

/// An HMAC-SHA256 over a plan's canonical JSON, keyed by a secret that only
/// this user on this machine holds (`$XDG_STATE_HOME/zdsh/plan.key`, 0600).
///
/// Why a keyed MAC and not a plain hash: a plain hash inside the file is
/// recomputed by whoever edits the file; the key is not reachable from a
/// runbook (the sandbox has no file access) nor from someone who only
/// handed us a plan file. Any edit — a changed path, body, id or target —
/// is then refused before apply looks further. The signature is a tripwire,
/// not the authority: apply re-derives and re-checks every call anyway, so
/// a leaked key grants nothing the operator's own flags do not.
package enum PlanSignature {
    package static let field = "signature"
    private static let prefix = "hmac-sha256:"

    package static func keyPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        ((AuditLog.defaultPath(environment: environment) as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("plan.key")
    }

    /// The plan with its signature added.
    package static func sign(_ plan: JSON, keyPath: String = keyPath()) throws -> JSON {
        guard case .object(var o) = plan else { return plan }
        o[field] = nil
        o[field] = .string(prefix + hex(try mac(of: .object(o), key: loadOrCreateKey(keyPath))))
        return .object(o)
    }

    package enum Verdict: Equatable { case valid, unsigned, mismatch, noKey }

    package static func verify(_ plan: JSON, keyPath: String = keyPath()) -> Verdict {
        guard case .object(var o) = plan, let given = o[field]?.stringValue, given.hasPrefix(prefix) else { return .unsigned }
        o[field] = nil
        guard let key = try? loadKey(keyPath) else { return .noKey }
        let expected = Array(mac(of: .object(o), key: key))
        guard let actual = unhex(String(given.dropFirst(prefix.count))), actual.count == expected.count else { return .mismatch }
        // Constant time: the comparison must not tell how much of a forgery matched.
        var diff: UInt8 = 0
        for (a, b) in zip(actual, expected) { diff |= a ^ b }
        return diff == 0 ? .valid : .mismatch
    }

    private static func mac(of json: JSON, key: SymmetricKey) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: json.encodedBytes(), using: key))
    }

    private static func loadKey(_ path: String) throws -> SymmetricKey {
        guard let data = FileManager.default.contents(atPath: path), data.count == 32 else {
            throw UsageError("no plan key at \(path)")
        }
        return SymmetricKey(data: data)
    }

    private static func loadOrCreateKey(_ path: String) throws -> SymmetricKey {
        if let key = try? loadKey(path) { return key }
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Data($0) }
        // Written whole to a file of our own, then linked into place: link(2)
        // fails if the key exists, so two processes (or two MCP calls)
        // racing to create it agree on one, and nobody ever reads a key
        // file that is still empty.
        let temporary = path + ".new-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd >= 0 {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            _ = fsync(fd)
            close(fd)
            let linked = written == bytes.count && link(temporary, path) == 0
            unlink(temporary)
            if linked { return key }
        }
        return try loadKey(path)
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        Hex.lowercase(bytes)
    }

    private static func unhex(_ s: String) -> [UInt8]? {
        let chars = Array(s.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let b = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(b)
        }
        return out
    }
}
