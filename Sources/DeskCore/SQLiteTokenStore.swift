import Foundation
import GRDB

/// Profiles and cached tokens in SQLite, shared by every zdsh process of the
/// user: `$XDG_CONFIG_HOME/zdsh/connections.sqlite` (default `~/.config/zdsh/`).
///
/// The file holds refresh tokens and client secrets, so it and its WAL/SHM
/// companions are created 0600 inside a 0700 directory. Cross-process token
/// refresh is serialised by the lease row in `tokens` (see `TokenStore`),
/// claimed inside `BEGIN IMMEDIATE` transactions so two processes cannot both
/// see the lease free.
public final class SQLiteTokenStore: TokenStore, Sendable {
    public let path: String
    private let pool: DatabasePool

    /// Default location, honouring XDG_CONFIG_HOME.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base: String
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            base = xdg
        } else {
            base = (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        }
        return base + "/zdsh/connections.sqlite"
    }

    public init(path: String = SQLiteTokenStore.defaultPath()) throws {
        self.path = path
        try SQLiteTokenStore.prepareFile(at: path)
        var config = Configuration()
        // Another process may hold the write lock while it commits a token.
        config.busyMode = .timeout(15)
        config.label = "zdsh.connections"
        do {
            pool = try SQLiteTokenStore.openPool(path: path, configuration: config)
        } catch {
            throw DeskError(kind: .configuration, message: "cannot open the connection store at \(path): \(error)")
        }
        for suffix in ["-wal", "-shm"] { chmod(path + suffix, 0o600) }
    }

    /// Creates the directory (0700) and an empty file (0600) before SQLite
    /// does, so the file is never briefly world-readable under a loose umask.
    static func prepareFile(at path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DeskError(kind: .configuration, message: "cannot create the connection store at \(path): \(String(cString: strerror(errno)))")
        }
        fchmod(fd, 0o600)
        close(fd)
    }

    /// Opens the pool and brings the schema up to date, retrying when
    /// another process is doing the same to a new store: switching it to WAL
    /// can meet "database is locked" (the busy timeout does not cover it),
    /// and GRDB reads which migrations are applied before it starts applying
    /// them, so the loser of that race sees "already exists". By the retry
    /// the winner has committed, and there is nothing left to do.
    static func openPool(path: String, configuration: Configuration) throws -> DatabasePool {
        var attempt: UInt32 = 1
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try migrator.migrate(pool)
                return pool
            } catch is DatabaseError where attempt < 8 {
                usleep(attempt * 20_000)
                attempt += 1
            }
        }
    }

    static let migrator: DatabaseMigrator = {
        var m = DatabaseMigrator()
        m.registerMigration("v1: profiles and tokens") { db in
            try db.execute(sql: """
                CREATE TABLE profiles (
                    name TEXT PRIMARY KEY NOT NULL,
                    data_center TEXT NOT NULL,
                    accounts_url TEXT NOT NULL,
                    api_url TEXT NOT NULL,
                    api_domain TEXT,
                    client_id TEXT NOT NULL,
                    client_secret TEXT,
                    refresh_token TEXT,
                    granted_scopes TEXT,
                    org_id TEXT,
                    portal TEXT,
                    help_center_id TEXT,
                    updated_at REAL NOT NULL
                );
                CREATE TABLE tokens (
                    profile TEXT PRIMARY KEY NOT NULL,
                    access_token TEXT,
                    expires_at REAL,
                    scopes TEXT,
                    api_domain TEXT,
                    refresh_fingerprint TEXT,
                    lease_holder TEXT,
                    lease_until REAL,
                    refresh_count INTEGER NOT NULL DEFAULT 0
                );
                """)
        }
        // Added, never edited into v1: stores written by older builds migrate in place.
        m.registerMigration("v2: refresh back-off") { db in
            try db.execute(sql: """
                ALTER TABLE tokens ADD COLUMN backoff_until REAL;
                ALTER TABLE tokens ADD COLUMN backoff_code TEXT;
                ALTER TABLE tokens ADD COLUMN backoff_detail TEXT;
                ALTER TABLE tokens ADD COLUMN backoff_fingerprint TEXT;
                """)
        }
        m.registerMigration("v3: profile concurrency and edition") { db in
            try db.execute(sql: "ALTER TABLE profiles ADD COLUMN concurrency INTEGER")
            try db.execute(sql: "ALTER TABLE profiles ADD COLUMN edition TEXT")
        }
        return m
    }()

    // MARK: profiles

    public func load(profile: String) async throws -> Connection? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM profiles WHERE name = ?", arguments: [profile])
            else { return nil }
            var c = Connection(
                profile: row["name"], dc: DataCenter(rawValue: row["data_center"]) ?? .com,
                accountsURL: row["accounts_url"], apiURL: row["api_url"], apiDomain: row["api_domain"],
                clientId: row["client_id"], clientSecret: row["client_secret"], refreshToken: row["refresh_token"],
                grantedScopes: SQLiteTokenStore.scopes(row["granted_scopes"]), orgId: row["org_id"],
                portal: row["portal"], helpCenterId: row["help_center_id"])
            c.concurrency = row["concurrency"]
            c.edition = row["edition"]
            if let token = try SQLiteTokenStore.token(db, profile: profile),
               token.refreshFingerprint == Fingerprint.of(c.refreshToken) {
                c.accessToken = token.accessToken
                c.accessTokenExpiry = token.expiresAt
            }
            return c
        }
    }

    public func save(_ c: Connection) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO profiles (name, data_center, accounts_url, api_url, api_domain, client_id,
                    client_secret, refresh_token, granted_scopes, org_id, portal, help_center_id, updated_at,
                    concurrency, edition)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [c.profile, c.dataCenter.rawValue, c.accountsURL, c.apiURL, c.apiDomain, c.clientId,
                                 c.clientSecret?.reveal, c.refreshToken?.reveal, c.grantedScopes?.joined(separator: " "),
                                 c.orgId, c.portal, c.helpCenterId, Date().timeIntervalSince1970,
                                 c.concurrency, c.edition])
            // A new login starts with a clean slate.
            try db.execute(sql: "UPDATE tokens SET backoff_until = NULL WHERE profile = ?", arguments: [c.profile])
            if let access = c.accessToken, let expiry = c.accessTokenExpiry {
                try db.execute(sql: """
                    INSERT INTO tokens (profile, access_token, expires_at, scopes, api_domain, refresh_fingerprint)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(profile) DO UPDATE SET access_token = excluded.access_token,
                        expires_at = excluded.expires_at, scopes = excluded.scopes,
                        api_domain = excluded.api_domain, refresh_fingerprint = excluded.refresh_fingerprint
                    """, arguments: [c.profile, access.reveal, expiry.timeIntervalSince1970,
                                     c.grantedScopes?.joined(separator: " "), c.apiDomain, Fingerprint.of(c.refreshToken)])
            }
        }
    }

    public func update(profile: String, with u: ProfileUpdate) async throws {
        let assignments: [(String, (any DatabaseValueConvertible)?)] = [
            ("org_id", u.orgId), ("portal", u.portal), ("help_center_id", u.helpCenterId),
            ("api_domain", u.apiDomain), ("api_url", u.apiURL), ("accounts_url", u.accountsURL),
            ("data_center", u.dataCenter?.rawValue), ("granted_scopes", u.grantedScopes?.joined(separator: " ")),
            ("concurrency", u.concurrency), ("edition", u.edition),
        ].filter { $0.1 != nil }
        guard !assignments.isEmpty else { return }
        let sql = "UPDATE profiles SET " + assignments.map { "\($0.0) = ?" }.joined(separator: ", ")
            + ", updated_at = ? WHERE name = ?"
        var values = assignments.map { $0.1 }
        values.append(Date().timeIntervalSince1970)
        values.append(profile)
        let arguments = StatementArguments(values)
        try await pool.write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    public func delete(profile: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM profiles WHERE name = ?", arguments: [profile])
            try db.execute(sql: "DELETE FROM tokens WHERE profile = ?", arguments: [profile])
        }
    }

    public func profileNames() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM profiles ORDER BY name") }
    }

    // MARK: tokens and the refresh lease

    public func cachedToken(profile: String) async throws -> CachedToken? {
        try await pool.read { db in try SQLiteTokenStore.token(db, profile: profile) }
    }

    public func claimRefresh(profile: String, holder: String, lease: TimeInterval, fingerprint: String?,
                             isUsable: @escaping @Sendable (CachedToken) -> Bool) async throws -> RefreshClaim {
        try await immediate { db in
            if let token = try SQLiteTokenStore.token(db, profile: profile), isUsable(token) {
                return .fresh(token)
            }
            if let backoff = try SQLiteTokenStore.backoff(db, profile: profile),
               backoff.blocks(fingerprint: fingerprint, now: Date()) {
                return .blocked(backoff)
            }
            let now = Date().timeIntervalSince1970
            let row = try Row.fetchOne(db, sql: "SELECT lease_holder, lease_until FROM tokens WHERE profile = ?",
                                       arguments: [profile])
            if let row, let owner: String = row["lease_holder"], owner != holder,
               let until: Double = row["lease_until"], until > now {
                return .busy
            }
            try db.execute(sql: """
                INSERT INTO tokens (profile, lease_holder, lease_until) VALUES (?, ?, ?)
                ON CONFLICT(profile) DO UPDATE SET lease_holder = excluded.lease_holder, lease_until = excluded.lease_until
                """, arguments: [profile, holder, now + lease])
            return .claimed
        }
    }

    public func completeRefresh(profile: String, holder: String, token: CachedToken) async throws {
        try await immediate { db in
            try db.execute(sql: """
                INSERT INTO tokens (profile, access_token, expires_at, scopes, api_domain, refresh_fingerprint, refresh_count)
                VALUES (?, ?, ?, ?, ?, ?, 1)
                ON CONFLICT(profile) DO UPDATE SET access_token = excluded.access_token, expires_at = excluded.expires_at,
                    scopes = excluded.scopes, api_domain = excluded.api_domain,
                    refresh_fingerprint = excluded.refresh_fingerprint, refresh_count = refresh_count + 1,
                    backoff_until = NULL
                """, arguments: [profile, token.accessToken.reveal, token.expiresAt.timeIntervalSince1970,
                                 token.scopes?.joined(separator: " "), token.apiDomain, token.refreshFingerprint])
            try db.execute(sql: "UPDATE tokens SET lease_holder = NULL, lease_until = NULL WHERE profile = ? AND lease_holder = ?",
                           arguments: [profile, holder])
        }
    }

    public func abandonRefresh(profile: String, holder: String) async throws {
        try await immediate { db in
            try db.execute(sql: "UPDATE tokens SET lease_holder = NULL, lease_until = NULL WHERE profile = ? AND lease_holder = ?",
                           arguments: [profile, holder])
        }
    }

    public func discardToken(profile: String, accessToken: Secret) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE tokens SET access_token = NULL, expires_at = NULL WHERE profile = ? AND access_token = ?",
                           arguments: [profile, accessToken.reveal])
        }
    }

    public func failRefresh(profile: String, holder: String, backoff b: RefreshBackoff) async throws {
        try await immediate { db in
            try db.execute(sql: """
                INSERT INTO tokens (profile, backoff_until, backoff_code, backoff_detail, backoff_fingerprint)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(profile) DO UPDATE SET backoff_until = excluded.backoff_until,
                    backoff_code = excluded.backoff_code, backoff_detail = excluded.backoff_detail,
                    backoff_fingerprint = excluded.backoff_fingerprint
                """, arguments: [profile, b.until.timeIntervalSince1970, b.code, b.detail, b.refreshFingerprint])
            try db.execute(sql: "UPDATE tokens SET lease_holder = NULL, lease_until = NULL WHERE profile = ? AND lease_holder = ?",
                           arguments: [profile, holder])
        }
    }

    public func refreshBackoff(profile: String) async throws -> RefreshBackoff? {
        try await pool.read { db in try SQLiteTokenStore.backoff(db, profile: profile) }
    }

    public func refreshCount(profile: String) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT refresh_count FROM tokens WHERE profile = ?", arguments: [profile]) ?? 0
        }
    }

    // MARK: helpers

    /// A write transaction that takes SQLite's write lock up front, so the
    /// read-check-write inside is atomic against other processes.
    private func immediate<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    private static func token(_ db: Database, profile: String) throws -> CachedToken? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM tokens WHERE profile = ?", arguments: [profile]),
              let access: String = row["access_token"], let expires: Double = row["expires_at"]
        else { return nil }
        return CachedToken(accessToken: Secret(access), expiresAt: Date(timeIntervalSince1970: expires),
                           scopes: scopes(row["scopes"]), apiDomain: row["api_domain"],
                           refreshFingerprint: row["refresh_fingerprint"] ?? "none")
    }

    private static func backoff(_ db: Database, profile: String) throws -> RefreshBackoff? {
        guard let row = try Row.fetchOne(db, sql: """
                SELECT backoff_until, backoff_code, backoff_detail, backoff_fingerprint FROM tokens WHERE profile = ?
                """, arguments: [profile]),
              let until: Double = row["backoff_until"] else { return nil }
        return RefreshBackoff(until: Date(timeIntervalSince1970: until), code: row["backoff_code"] ?? "access_denied",
                              detail: row["backoff_detail"], refreshFingerprint: row["backoff_fingerprint"] ?? "none")
    }

    private static func scopes(_ text: String?) -> [String]? {
        text.map { $0.split(separator: " ").map(String.init) }
    }
}
