import Foundation

/// The profile `zdsh auth use NAME` made current, like kubectl's current
/// context: a one-line file beside the connection store
/// (`$XDG_CONFIG_HOME/zdsh/current-profile`). It holds a name, never a secret.
///
/// Which profile a command uses: `--profile`, then `ZDSH_PROFILE`, then this
/// file, then `default`.
public struct CurrentProfile: Sendable {
    /// Where the name is kept.
    public let path: String

    public init(path: String) { self.path = path }

    /// The file beside the connection store at `storePath`.
    public init(besideStore storePath: String) {
        path = (storePath as NSString).deletingLastPathComponent + "/current-profile"
    }

    /// The file beside the default connection store.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> CurrentProfile {
        CurrentProfile(besideStore: SQLiteTokenStore.defaultPath(environment: environment))
    }

    /// The stored name, or nil when none was set (or the file is unreadable or empty).
    public func read() -> String? {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else { return nil }
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return Self.isValid(name) ? name : nil
    }

    /// Makes `name` current: written to a file of its own, then renamed into
    /// place, so a reader never sees half a name.
    public func write(_ name: String) throws {
        guard Self.isValid(name) else {
            throw DeskError(kind: .configuration, message: "invalid profile name \(Quoted(name))")
        }
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let temporary = path + ".\(getpid()).tmp"
        do {
            try Data((name + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            unlink(temporary)
            throw DeskError(kind: .configuration, message: "cannot record the current profile in \(path): \(error)")
        }
    }

    /// Forgets the current profile (commands fall back to `default`).
    public func clear() { unlink(path) }

    /// A name is one line of printable characters, as a profile name on the command line would be.
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200 && !name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}

/// Which source chose the profile a command uses, for `zdsh auth status`.
public enum ProfileSource: String, Sendable {
    case flag = "--profile"
    case environment = "ZDSH_PROFILE"
    case current = "zdsh auth use"
    case fallback = "default"
}
