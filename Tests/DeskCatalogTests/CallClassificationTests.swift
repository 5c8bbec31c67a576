import DeskCatalog
import JSONValue
import XCTest

/// The calls the adversarial review found going through as writes, and the
/// ways a runbook might dress them up.
final class CallClassificationTests: XCTestCase {
    func op(_ id: String, file: StaticString = #filePath, line: UInt = #line) -> DeskCatalog.Operation {
        guard let op = Catalog.shared.operation(id: id) else {
            XCTFail("unknown operation \(id)", file: file, line: line)
            return Catalog.shared.operations[0]
        }
        return op
    }

    func classify(_ id: String, _ body: JSON?, query: [String: String] = [:]) -> CallClassification {
        op(id).classify(query: query, body: body)
    }

    // MARK: - The cases the review found

    func testDeletingOrDisablingAHelpCenterUserIsDestructive() {
        for status in ["DELETED", "DISABLED"] {
            let c = classify("updateUserDetails", ["status": .string(status)])
            XCTAssertEqual(c.safety, .destructive, status)
            XCTAssertEqual(c.rule?.id, "user-deleted-or-disabled")
            XCTAssertFalse(c.conservative)
        }
        XCTAssertEqual(classify("updateUserDetails", ["status": "ACTIVE"]),
                       CallClassification(safety: .write, rule: nil, unbounded: false))
    }

    func testDisablingAnAgentIsDestructiveLikeDeactivateAgents() {
        XCTAssertEqual(op("deactivateAgents").safety, .destructive)
        let c = classify("updateAgent", ["status": "DISABLED"])
        XCTAssertEqual(c.safety, .destructive)
        XCTAssertEqual(c.rule?.id, "agent-disabled")
        XCTAssertEqual(c.note?.hasPrefix("agent-disabled (body.status in DISABLED): "), true)
        XCTAssertEqual(classify("updateAgent", ["status": "ACTIVE", "firstName": "Ann"]).safety, .write)
        XCTAssertEqual(classify("updateAgent", ["firstName": "Ann"]).rule, nil)
    }

    func testMarkingSpamIsDestructiveAndUnmarkingIsAWrite() {
        let ids: JSON = ["1", "2"]
        XCTAssertEqual(classify("markTicketAsSpam", ["ids": ids, "isSpam": true]).rule?.id, "tickets-marked-spam")
        XCTAssertEqual(classify("markTicketAsSpam", ["ids": ids, "isSpam": false]).safety, .write)
        // Absent or null: the server's default is not assumed to be harmless.
        XCTAssertEqual(classify("markTicketAsSpam", ["ids": ids]).safety, .destructive)
        XCTAssertEqual(classify("markTicketAsSpam", ["ids": ids, "isSpam": .null]).safety, .destructive)
        XCTAssertEqual(classify("markTicketAsSpam", ["ids": ids, "isSpam": " FALSE\n"]).safety, .write)
        let numeric = classify("markTicketAsSpam", ["ids": ids, "isSpam": 0])
        XCTAssertEqual(numeric.safety, .destructive)
        XCTAssertTrue(numeric.conservative)

        let contacts = classify("markContactsAsSpam", ["ids": ids, "isSpam": true, "handleExistingTickets": true])
        XCTAssertEqual(contacts.safety, .destructive)
        XCTAssertEqual(contacts.rule?.id, "contacts-marked-spam", "the rule that made it destructive is named")
        XCTAssertTrue(contacts.unbounded)
        let unmark = classify("markContactsAsSpam", ["ids": ids, "isSpam": false, "handleExistingTickets": true])
        XCTAssertEqual(unmark.safety, .write)
        XCTAssertEqual(unmark.rule?.id, "contacts-spam-cascades")
        XCTAssertTrue(unmark.unbounded)
        for id in ["markATopicAsSpam", "markACommentAsSpam", "markAllTopicsAsSpam", "markAllCommentsAsSpam"] {
            XCTAssertEqual(op(id).safety, .destructive, id)
        }
    }

    func testBulkOverwritesOfMoreThanOneRecordAreDestructive() {
        for id in ["bulkUpdateTickets", "bulkUpdateContacts", "bulkUpdateAccounts", "bulkUpdateTasks",
                   "bulkUpdateCalls", "bulkUpdateEvents", "updateMany"] {
            let one = classify(id, ["ids": ["1"], "fieldName": "priority", "fieldValue": "High"])
            XCTAssertEqual(one.safety, .write, id)
            let many = classify(id, ["ids": ["1", "2"], "fieldName": "priority", "fieldValue": "High"])
            XCTAssertEqual(many.safety, .destructive, id)
            XCTAssertEqual(many.rule?.id.hasSuffix("-bulk-overwrite"), true, id)
        }
        // ids in the wrong shape cannot be counted: destructive, conservatively.
        for ids: JSON in ["1,2,3", 5, ["a": "1"]] {
            let c = classify("bulkUpdateTickets", ["ids": ids, "fieldName": "status"])
            XCTAssertEqual(c.safety, .destructive, ids.encoded())
            XCTAssertTrue(c.conservative, ids.encoded())
        }
        XCTAssertEqual(classify("bulkUpdateTickets", [:], query: ["ids": "1,2"]).safety, .destructive)
        XCTAssertEqual(classify("bulkUpdateTickets", [["ids": ["1"]], ["ids": ["2"]]]).safety, .destructive,
                       "a list body is counted as a whole")
    }

    func testDissociatingThroughAnAssociateFlagIsDestructive() {
        XCTAssertEqual(op("associateAndDisassociateSlaInAccount").safety, .write)
        XCTAssertEqual(classify("associateAndDisassociateSlaInAccount", ["associate": true]).safety, .write)
        XCTAssertEqual(classify("associateAndDisassociateSlaInAccount", ["associate": false]).rule?.id,
                       "account-sla-dissociated")
        XCTAssertEqual(classify("associateProductsWithContact", ["associate": "false", "ids": ["1"]]).safety,
                       .destructive)
    }

    func testSwitchingARuleGroupOffInAnyDepartmentIsDestructive() {
        let on: JSON = ["id": "1", "ruleGroupStatus": "ACTIVE"]
        let off: JSON = ["id": "2", "ruleGroupStatus": "Inactive"]
        XCTAssertEqual(classify("updateRuleGroup", ["name": "n", "departmentProperties": [on, on]]).safety, .write)
        let c = classify("updateRuleGroup", ["name": "n", "departmentProperties": [on, off]])
        XCTAssertEqual(c.safety, .destructive)
        XCTAssertEqual(c.rule?.id, "rule-group-switched-off")
        XCTAssertEqual(classify("updateRuleGroup", ["departmentProperties": [["id": "1"]]]).safety, .write,
                       "a status left out changes nothing")
        XCTAssertTrue(classify("updateRuleGroup", ["departmentProperties": [["ruleGroupStatus": false]]]).conservative)
    }

    func testDroppingAnOldPermalinkIsDestructive() {
        for id in ["updateArticleTranslationPermalink", "addKBRootCategoryPermalink"] {
            XCTAssertEqual(classify(id, ["permalink": "new", "isOldPermalinkNeeded": true]).safety, .write, id)
            XCTAssertEqual(classify(id, ["permalink": "new", "isOldPermalinkNeeded": false]).safety, .destructive, id)
            XCTAssertEqual(classify(id, ["permalink": "new"]).safety, .destructive, id)
        }
    }

    func testStaticallyUnboundedOperations() {
        for id in ["deleteAllEntities", "deleteAllSpamTickets", "sarEraseAll", "revokeBlueprintForAllEntities",
                   "replaceTag", "scheduleAgentReassignment", "clearEmailFailureAlerts"] {
            let c = classify(id, nil)
            XCTAssertEqual(c.safety, .destructive, id)
            XCTAssertTrue(c.unbounded, id)
            XCTAssertNil(c.rule, id)
        }
        XCTAssertTrue(classify("restoreAllEntities", nil).unbounded)
        XCTAssertEqual(classify("restoreAllEntities", nil).safety, .write)
        XCTAssertFalse(classify("deleteTicket", ["ticketIds": ["1"]]).unbounded)
        XCTAssertEqual(op("executeAction").safety, .destructive)
    }

    // MARK: - Evasion

    func testEnumValuesMatchWhateverTheirCaseSpacingOrWidth() {
        for status in ["disabled", " Disabled ", "DISABLED\n", "\tdIsAbLeD", "DISABLED\u{200B}", "\u{FEFF}DISABLED",
                       "ＤＩＳＡＢＬＥＤ", "DIS\u{00A0}ABLED"] {
            XCTAssertEqual(classify("updateAgent", ["status": .string(status)]).safety, .destructive, status.debugDescription)
        }
        XCTAssertEqual(classify("updateUserDetails", ["status": "deleted"]).safety, .destructive)
        XCTAssertEqual(classify("updateArticle", ["status": " unpublished"]).rule?.id, "article-unpublished")
    }

    func testFieldNamesMatchWhateverTheirCase() {
        XCTAssertEqual(classify("updateAgent", ["Status": "DISABLED"]).safety, .destructive)
        XCTAssertEqual(classify("updateAgent", [" STATUS ": "DISABLED"]).safety, .destructive)
        XCTAssertEqual(classify("markTicketAsSpam", ["ids": ["1"], "isSpam": false, "ISSPAM": true]).safety,
                       .destructive, "a second spelling of the field counts too")
    }

    func testValuesOfTheWrongTypeAreDestructiveConservatively() {
        for status: JSON in [0, 1.5, true, ["DISABLED"], ["value": "DISABLED"], []] {
            let c = classify("updateAgent", ["status": status])
            XCTAssertEqual(c.safety, .destructive, status.encoded())
            XCTAssertEqual(c.rule?.id, "agent-disabled")
            XCTAssertTrue(c.conservative, status.encoded())
            XCTAssertEqual(c.note?.contains("unexpected type"), true)
        }
        XCTAssertEqual(classify("updateAgent", ["status": .null]).safety, .write, "null sets nothing")
        XCTAssertEqual(classify("updateWebhook", ["isEnabled": "no"]).safety, .destructive)
        XCTAssertEqual(classify("updateWebhook", ["isEnabled": "TRUE"]).safety, .write)
    }

    func testFieldsHiddenInListsOrTheQueryStillCount() {
        XCTAssertEqual(classify("updateAgent", [["status": "ACTIVE"], ["status": "DISABLED"]]).safety, .destructive)
        XCTAssertEqual(classify("updateUserDetails", [[["status": "DELETED"]]]).safety, .destructive)
        XCTAssertEqual(classify("updateAgent", nil, query: ["status": "disabled"]).safety, .destructive)
        XCTAssertEqual(classify("updateAgent", nil, query: ["STATUS": " DISABLED "]).safety, .destructive)
        XCTAssertEqual(classify("updateAgent", nil, query: ["status": "ACTIVE"]).safety, .write)
        XCTAssertEqual(classify("updateAgent", "status=DISABLED").safety, .write, "a string body has no fields")
    }

    func testAbsurdNestingIsNoCrashAndCountsAsDestructive() {
        var deep: JSON = ["status": "ACTIVE"]
        for _ in 0..<2_000 { deep = .array([deep]) }
        let c = classify("updateAgent", deep)
        XCTAssertEqual(c.safety, .destructive)
        XCTAssertTrue(c.conservative)
    }

    func testRulesNeverLowerAClass() {
        let bodies: [JSON?] = [nil, [:], ["status": "ACTIVE"], ["associate": true], ["isSpam": false],
                               ["ids": []], .array([]), "x", 1]
        for op in Catalog.shared.operations {
            for body in bodies {
                let c = op.classify(query: [:], body: body)
                XCTAssertGreaterThanOrEqual(c.safety, op.safety, op.id)
                XCTAssertTrue(c.unbounded || !op.unbounded, op.id)
            }
        }
    }

    // MARK: - Help text

    func testSummariesSayWhenAnOperationBecomesDestructive() {
        XCTAssertEqual(op("updateAgent").safetySummary,
                       "write; destructive if body.status in DISABLED; destructive if body.emailId present; "
                       + "destructive if body.associatedDepartmentIds present; destructive if body.associatedChatDepartmentIds present; "
                       + "destructive if body.rolePermissionType present; destructive if body.profileId present; destructive if body.roleId present")
        XCTAssertEqual(op("sendReply").safetySummary, "notify")
        XCTAssertEqual(op("createTicketComment").safetySummary, "write; notify if body.isPublic = true")
        XCTAssertEqual(op("deleteAllEntities").safetySummary, "destructive, unbounded")
        XCTAssertEqual(op("markContactsAsSpam").safetySummary,
                       "write; destructive if body.isSpam != false; unbounded if body.handleExistingTickets = true")
        XCTAssertEqual(op("getTickets").safetySummary, "read")
        XCTAssertTrue(op("updateAgent").mayBeDestructive)
        XCTAssertTrue(op("deleteTicket").mayBeDestructive)
        XCTAssertFalse(op("updateTicket").mayBeDestructive)
    }
}
