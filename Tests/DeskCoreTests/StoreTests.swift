@testable import DeskCore
import Foundation
import TestSupport
import XCTest

final class StoreTests: XCTestCase {
    private func mode(_ path: String) -> Int {
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0, path)
        return Int(st.st_mode & 0o777)
    }

    func testStoreFilesAreOwnerOnly() async throws {
        let old = umask(0o022)
        defer { umask(old) }
        let dir = Fixtures.tempDir() + "/nested/zdsh"
        let path = dir + "/connections.sqlite"
        let store = try SQLiteTokenStore(path: path)
        try await store.save(Fixtures.connection())
        XCTAssertEqual(mode(path), 0o600)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            XCTAssertEqual(mode(path + suffix), 0o600, suffix)
        }
        XCTAssertEqual(mode(dir), 0o700)
    }

    /// Eight processes starting on a machine with no store yet all open it:
    /// creating its tables must not fail for the ones that lose the race.
    func testConcurrentFirstOpensAllSucceed() throws {
        for round in 0..<10 {
            let path = Fixtures.tempDir() + "/connections.sqlite"
            let failures = LockedBox<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                do { _ = try SQLiteTokenStore(path: path) } catch { failures.mutate { $0.append("\(error)") } }
            }
            XCTAssertEqual(failures.get(), [], "round \(round)")
        }
    }

    func testLooseExistingFileIsTightened() throws {
        let path = Fixtures.tempDir() + "/connections.sqlite"
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644])
        _ = try SQLiteTokenStore(path: path)
        XCTAssertEqual(mode(path), 0o600)
    }

    func testProfileRoundTripAndUpdate() async throws {
        let path = Fixtures.tempDir() + "/connections.sqlite"
        let store = try SQLiteTokenStore(path: path)
        var c = Fixtures.connection(scopes: ["Desk.tickets.ALL"], profile: "work")
        c.dataCenter = .comAU
        c.portal = "acme"
        try await store.save(c)
        try await store.update(profile: "work", with: ProfileUpdate(orgId: "999", helpCenterId: "42"))
        let reopened = try SQLiteTokenStore(path: path)
        let maybeLoaded = try await reopened.load(profile: "work")
        let loaded = try XCTUnwrap(maybeLoaded)
        XCTAssertEqual(loaded.dataCenter, .comAU)
        XCTAssertEqual(loaded.clientSecret?.reveal, Fixtures.clientSecret)
        XCTAssertEqual(loaded.refreshToken?.reveal, Fixtures.refreshToken)
        XCTAssertEqual(loaded.accessToken?.reveal, Fixtures.accessToken)
        XCTAssertEqual(loaded.grantedScopes, ["Desk.tickets.ALL"])
        XCTAssertEqual(loaded.orgId, "999")
        XCTAssertEqual(loaded.portal, "acme")
        XCTAssertEqual(loaded.helpCenterId, "42")
        let names = try await reopened.profileNames()
        XCTAssertEqual(names, ["work"])
        try await reopened.delete(profile: "work")
        let gone = try await reopened.load(profile: "work")
        XCTAssertNil(gone)
    }

    func testDefaultPathHonoursXDG() {
        XCTAssertEqual(SQLiteTokenStore.defaultPath(environment: ["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"]),
                       "/x/cfg/zdsh/connections.sqlite")
        XCTAssertEqual(SQLiteTokenStore.defaultPath(environment: ["HOME": "/home/u"]), "/home/u/.config/zdsh/connections.sqlite")
    }

    func testEnvironmentOverridesStoredProfile() async throws {
        let store = InMemoryTokenStore([Fixtures.connection(profile: "work")])
        let loader = ConnectionLoader(store: store, environment: [
            "ZDSH_PROFILE": "work", "ZOHO_DC": "eu", "ZOHO_CLIENT_ID": "envid", "ZOHO_CLIENT_SECRET": "envsecret",
            "ZOHO_REFRESH_TOKEN": "1000.envrefresh", "ZOHO_DESK_ORG_ID": "777"])
        let c = try await loader.load()
        XCTAssertEqual(c.profile, "work")
        XCTAssertEqual(c.dataCenter, .eu)
        XCTAssertEqual(c.apiURL, "https://desk.zoho.eu")
        XCTAssertEqual(c.accountsURL, "https://accounts.zoho.eu")
        XCTAssertEqual(c.clientId, "envid")
        XCTAssertEqual(c.refreshToken?.reveal, "1000.envrefresh")
        XCTAssertNil(c.accessToken, "a token cached for another refresh token is not reused")
        XCTAssertEqual(c.orgId, "777")
        let flagged = try await loader.load(.init(orgId: "888"))
        XCTAssertEqual(flagged.orgId, "888")
        let stored = await store.load(profile: "work")
        XCTAssertEqual(stored?.clientId, "1000.CLIENTID", "overrides are never written back")
    }

    func testEnvironmentOnlyConnection() async throws {
        let loader = ConnectionLoader(store: InMemoryTokenStore(), environment: [
            "ZOHO_CLIENT_ID": "id", "ZOHO_CLIENT_SECRET": "s", "ZOHO_REFRESH_TOKEN": "1000.r", "ZOHO_DC": "ca"])
        let c = try await loader.load()
        XCTAssertEqual(c.apiURL, "https://desk.zohocloud.ca")
        XCTAssertEqual(c.accountsURL, "https://accounts.zohocloud.ca")
    }

    func testMissingCredentialsExplainWhatToDo() async throws {
        let loader = ConnectionLoader(store: InMemoryTokenStore(), environment: [:])
        await XCTAssertThrowsDeskError(try await loader.load()) { error in
            XCTAssertEqual(error.kind, .configuration)
            XCTAssertTrue(error.hint?.contains("zdsh auth login") == true)
        }
        await XCTAssertThrowsDeskError(try await ConnectionLoader(store: InMemoryTokenStore(), environment: ["ZOHO_DC": "mars"]).load()) {
            XCTAssertTrue($0.hint?.contains("com.au") == true)
        }
    }

    /// Endpoints: flag over ZDSH_*_URL over the stored profile (issue 16).
    func testEndpointPrecedenceFlagEnvironmentProfile() async throws {
        var stored = Fixtures.connection(profile: "rehearsal")
        stored.apiURL = "http://127.0.0.1:9001"
        stored.accountsURL = "http://127.0.0.1:9001"
        let store = InMemoryTokenStore([stored])
        let fromProfile = try await ConnectionLoader(store: store, environment: [:]).load(.init(profile: "rehearsal"))
        XCTAssertEqual(fromProfile.apiURL, "http://127.0.0.1:9001")
        let env = ["ZDSH_API_URL": "http://localhost:9002/", "ZDSH_ACCOUNTS_URL": "https://accounts.proxy.example"]
        let fromEnv = try await ConnectionLoader(store: store, environment: env).load(.init(profile: "rehearsal"))
        XCTAssertEqual(fromEnv.apiURL, "http://localhost:9002")
        XCTAssertEqual(fromEnv.accountsURL, "https://accounts.proxy.example")
        let fromFlag = try await ConnectionLoader(store: store, environment: env)
            .load(.init(profile: "rehearsal", apiURL: "http://127.0.0.1:9003"))
        XCTAssertEqual(fromFlag.apiURL, "http://127.0.0.1:9003")
        XCTAssertEqual(fromFlag.accountsURL, "https://accounts.proxy.example")
    }

    func testEndpointsAcceptOnlyHTTPSOrThisMachine() throws {
        for good in ["https://desk.proxy.example", "https://proxy.example:8443/zoho/", "http://127.0.0.1:8085",
                     "http://localhost:1", "http://[::1]:8085"] {
            XCTAssertNoThrow(try Endpoints.checked(good, source: "--api-url"), good)
        }
        for bad in ["http://example.com", "http://10.1.2.3:8085", "ftp://localhost", "desk.zoho.com", "",
                    "https://desk.example?x=1", "http://127.0.0.1.evil.example"] {
            XCTAssertThrowsError(try Endpoints.checked(bad, source: "--api-url"), bad) { error in
                let text = String(describing: error)
                XCTAssertTrue(text.hasPrefix("--api-url: "), text)
                XCTAssertTrue(text.contains("https://") && text.contains("127.0.0.1"), text)
            }
        }
        XCTAssertThrowsError(try Endpoints.checked("https://me:hunter2@proxy.example", source: "ZDSH_API_URL")) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("ZDSH_API_URL"), text)
            XCTAssertFalse(text.contains("hunter2"), "a password in the URL is not repeated")
        }
        XCTAssertEqual(try Endpoints.checked("http://127.0.0.1:8085///", source: "x"), "http://127.0.0.1:8085")
    }

    /// A store written before the back-off columns existed gains them in
    /// place (migration v2), keeping its profiles.
    func testVersionOneStoreMigratesToBackoffColumns() async throws {
        let path = Fixtures.tempDir() + "/connections.sqlite"
        // The v1 schema as GRDB left it, written with the sqlite3 shell.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { throw XCTSkip("needs /usr/bin/sqlite3") }
        let v1 = """
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
            INSERT INTO grdb_migrations VALUES ('v1: profiles and tokens');
            CREATE TABLE profiles (name TEXT PRIMARY KEY NOT NULL, data_center TEXT NOT NULL, accounts_url TEXT NOT NULL,
                api_url TEXT NOT NULL, api_domain TEXT, client_id TEXT NOT NULL, client_secret TEXT, refresh_token TEXT,
                granted_scopes TEXT, org_id TEXT, portal TEXT, help_center_id TEXT, updated_at REAL NOT NULL);
            CREATE TABLE tokens (profile TEXT PRIMARY KEY NOT NULL, access_token TEXT, expires_at REAL, scopes TEXT,
                api_domain TEXT, refresh_fingerprint TEXT, lease_holder TEXT, lease_until REAL,
                refresh_count INTEGER NOT NULL DEFAULT 0);
            INSERT INTO profiles (name, data_center, accounts_url, api_url, client_id, refresh_token, updated_at)
                VALUES ('old', 'eu', 'https://accounts.zoho.eu', 'https://desk.zoho.eu', 'id', '1000.r', 0);
            """
        let made = try ChildProcess.run("/usr/bin/sqlite3", [path, v1], timeout: 30)
        XCTAssertEqual(made.status, 0, made.err)
        let store = try SQLiteTokenStore(path: path)
        let old = try await store.load(profile: "old")
        XCTAssertEqual(old?.dataCenter, .eu)
        let backoff = RefreshBackoff(until: Date().addingTimeInterval(60), code: "access_denied",
                                     detail: "You have made too many requests continuously.", refreshFingerprint: "f")
        try await store.failRefresh(profile: "old", holder: "h", backoff: backoff)
        let read = try await store.refreshBackoff(profile: "old")
        XCTAssertEqual(read?.code, "access_denied")
        XCTAssertEqual(read?.detail, backoff.detail)
        XCTAssertEqual(read.map { Int($0.until.timeIntervalSince1970) }, Int(backoff.until.timeIntervalSince1970))
        let claim = try await store.claimRefresh(profile: "old", holder: "x", lease: 30, fingerprint: "f") { _ in false }
        XCTAssertEqual(claim, .blocked(read!))
        let otherToken = try await store.claimRefresh(profile: "old", holder: "x", lease: 30, fingerprint: "g") { _ in false }
        XCTAssertEqual(otherToken, .claimed)
    }
}
