import DeskCatalog
import JSONValue
import XCTest

/// Issue 25 §4 and §7 at the catalog level: the notify class, notify rules,
/// and fields whose change takes access away, with every value that does.
final class NotifyAndFieldEffectTests: XCTestCase {
    func op(_ id: String) -> DeskCatalog.Operation { Catalog.shared.operation(id: id)! }
    func classify(_ id: String, _ body: JSON) -> CallClassification { op(id).classify(query: [:], body: body) }

    func testReviewedNotifyOperations() {
        let notify = Catalog.shared.operations.filter(\.notifies).map(\.id)
        XCTAssertEqual(notify.count, 11, "\(notify)")
        for id in ["sendReply", "inviteContactAsEndUser", "inviteContactsAsEndUser", "addCommunityTopic", "initiateSessionUsingTemplate"] {
            XCTAssertTrue(op(id).notifies, id)
            XCTAssertEqual(op(id).safety, .write, "notify is a write that also needs a grant: \(id)")
        }
        for id in ["closeTickets", "updateTicket", "moveTicket", "draftsReply", "reInviteAgents"] {
            XCTAssertFalse(op(id).mayNotify, "\(id) is a write")
        }
    }

    func testNotifyRulesAddToTheClassNeverLowerIt() {
        XCTAssertEqual(classify("createTicketComment", ["content": "x", "isPublic": true]).notifyRule?.id, "ticket-comment-public")
        XCTAssertFalse(classify("createTicketComment", ["content": "x", "isPublic": false]).notifies)
        let published = classify("updateArticle", ["status": "Published"])
        XCTAssertTrue(published.notifies)
        XCTAssertEqual(published.safety, .write)
        XCTAssertEqual(published.label, "notify")
        // Published and narrowed to agents: both grants.
        let both = classify("updateArticle", ["status": "Published", "permission": "AGENTS"])
        XCTAssertEqual(both.label, "destructive+notify")
        XCTAssertEqual(both.rule?.id, "article-permission-narrowed")
    }

    func testFieldsThatRemoveAccessAreDestructiveForEveryValueWithThatEffect() {
        let cases: [(String, JSON, String)] = [
            ("updateAgent", ["associatedDepartmentIds": .array([])], "agent-departments-replaced"),
            ("updateAgent", ["associatedDepartmentIds": ["1"]], "agent-departments-replaced"),
            ("updateAgent", ["rolePermissionType": "Light"], "agent-permission-type-changed"),
            ("updateAgent", ["profileId": "5"], "agent-profile-changed"),
            ("updateProfile", ["permissions": ["tickets": ["view": false]]], "profile-permission-revoked"),
            ("updateProfile", ["permissions": ["a": ["b": true], "c": ["d": "false"]]], "profile-permission-revoked"),
            ("updateTeam", ["agents": .array([])], "team-agents-replaced"),
            ("updateArticle", ["status": "Draft"], "article-unpublished"),
            ("updateArticle", ["status": "Review"], "article-unpublished"),
            ("updateArticleTranslation", ["status": "Auto-translate Failed"], "article-translation-unpublished"),
            ("updateKBSection", ["visibility": "NONE"], "kb-section-visibility-narrowed"),
            ("updateKBSection", ["visibility": "AGENTS"], "kb-section-visibility-narrowed"),
            ("updateRole", ["shareDataWithPeers": false], "role-peer-sharing-off"),
            ("updateDataSharingRules", ["tickets": "public read only"], "data-sharing-tickets-narrowed"),
            ("updateFieldPermissions", ["profiles": [["profileId": "1", "isReadOnly": true]]], "field-made-read-only"),
        ]
        for (id, body, rule) in cases {
            let c = classify(id, body)
            XCTAssertEqual(c.safety, .destructive, "\(id) \(body.encoded())")
            XCTAssertEqual(c.rule?.id, rule, "\(id) \(body.encoded())")
        }
        for (id, body) in [("updateAgent", ["firstName": "Ann"] as JSON), ("updateProfile", ["permissions": ["tickets": ["view": true]]]),
                           ("updateArticle", ["title": "t"]), ("updateKBSection", ["visibility": "ALL_USERS"]),
                           ("updateRole", ["shareDataWithPeers": true]), ("updateDataSharingRules", ["tickets": "public"])] {
            XCTAssertEqual(classify(id, body).safety, .write, "\(id) \(body.encoded())")
        }
    }
}
