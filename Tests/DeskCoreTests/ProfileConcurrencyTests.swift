@testable import DeskCore
import Foundation
import XCTest

/// The profile remembers its concurrency (`auth login --concurrency`) and
/// the org's edition (learned when the org is read), across processes.
final class ProfileConcurrencyTests: XCTestCase {
    func testConcurrencyAndEditionSurviveTheStore() async throws {
        let path = Fixtures.tempDir() + "/connections.sqlite"
        let store = try SQLiteTokenStore(path: path)
        try await store.save(Fixtures.connection())
        var loaded = try await store.load(profile: "default")
        XCTAssertNil(loaded?.concurrency)
        XCTAssertNil(loaded?.edition)
        try await store.update(profile: "default", with: ProfileUpdate(concurrency: 12, edition: "PROFESSIONAL"))
        loaded = try await SQLiteTokenStore(path: path).load(profile: "default")
        XCTAssertEqual(loaded?.concurrency, 12)
        XCTAssertEqual(loaded?.edition, "PROFESSIONAL")
        // Logging in again keeps what the new connection carries.
        var again = Fixtures.connection()
        again.concurrency = 3
        try await store.save(again)
        let relogged = try await store.load(profile: "default")
        XCTAssertEqual(relogged?.concurrency, 3)
    }

    /// Org discovery records the edition, which then sets later runs' concurrency.
    func testDiscoveredEditionIsStored() async throws {
        let zoho = FakeZoho(desk: { request in
            if request.url.hasSuffix("/api/v1/organizations") {
                return .json(["data": [["id": "60009999", "companyName": "Acme", "edition": "PROFESSIONAL", "isDefault": true]]])
            }
            return .json(["ok": true])
        })
        let store = InMemoryTokenStore([Fixtures.connection(orgId: nil)])
        let client = Fixtures.client(zoho, connection: Fixtures.connection(orgId: nil), store: store)
        _ = try await client.call(Fixtures.op())
        let saved = await store.load(profile: "default")
        XCTAssertEqual(saved?.edition, "PROFESSIONAL")
        let setting = try ConcurrencySetting.resolve(flag: nil, environment: [:], stored: saved?.concurrency, edition: saved?.edition)
        XCTAssertEqual(setting.value, 15)
    }
}
