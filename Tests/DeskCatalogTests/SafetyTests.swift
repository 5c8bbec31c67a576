import DeskCatalog
import XCTest

final class SafetyTests: XCTestCase {
    func safety(_ id: String, file: StaticString = #filePath, line: UInt = #line) -> Safety? {
        let op = Catalog.shared.operation(id: id)
        XCTAssertNotNil(op, "unknown operation \(id)", file: file, line: line)
        return op?.safety
    }

    func testEveryDeleteIsDestructiveAndEveryGetIsRead() {
        for op in Catalog.shared.operations {
            switch op.method {
            case "DELETE": XCTAssertEqual(op.safety, .destructive, op.id)
            case "GET": XCTAssertEqual(op.safety, .read, op.id)
            default: XCTAssertNotEqual(op.safety, .read, op.id)
            }
        }
    }

    func testReviewedDestructiveActions() {
        let destructive = [
            "deleteProfile",                // POST /profiles/{id}/delete
            "deleteRole",
            "deleteTeam",                   // POST /teams/{id}/deleteTeam
            "deleteEntities", "deleteAllEntities",             // recycle bin
            "deleteTicket", "deleteSpamTickets", "deleteAllSpamTickets", "mergeTicket",
            "deactivateAgents", "deleteUnconfirmedAgent", "anonymizeDeletedAgent",
            "disableDepartment", "dissociateAgents",
            "deleteGroupsFromUsers",        // users/{id}/groups/dissociate
            "removeLabelsFromUser",         // users/{id}/labels/remove
            "dissociateBadgesFromUsers",    // users/{id}/badges/dissociate
            "removeLabelsFromUsers",        // labels/{id}/users/remove
            "deleteHCGroupUsers",           // groups/{id}/users/remove
            "deleteHelpCenterUserGroup", "deleteLabel", "deleteEndUser",
            "deleteContact", "deleteAccount", "deleteTask", "deleteProduct", "deleteArticle",
            "mergeContacts", "mergeAccounts",
            "removeTicketFollowers", "removeContactFollowers", "removeAccountFollowers",
            "dissociateTicketTags", "sarErase", "sarEraseAll",
        ]
        for id in destructive {
            XCTAssertEqual(safety(id), .destructive, id)
        }
    }

    func testReviewedWrites() {
        for id in ["restoreEntities", "restoreAllEntities", "addTrashedCommunityTopics",
                   "restoreCommunityTrashedComments", "markTicketAsSpam", "moveTicket",
                   "createLabel", "addHelpCenterGroupUsers", "activateAgents", "enableDepartment"] {
            XCTAssertEqual(safety(id), .write, id)
        }
    }
}
