@testable import DeskCore
import Foundation
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
        FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644])
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
        let stored = try await store.load(profile: "work")
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
}
