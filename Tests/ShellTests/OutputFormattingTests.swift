import DeskCatalog
import JSONValue
import LuaHost
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// Issue 18's display rules: records, tables, plans, colour and the --json
/// plumbing, checked on the formatters themselves (the CLI tests run them
/// as the binary does).
final class OutputFormattingTests: XCTestCase {
    // MARK: - Records

    func testAnAgentIsNotTheOwnerAndBooleansReadTrueFalse() {
        let record: JSON = ["id": "1", "subject": "Printer", "agent": ["name": "Carla"], "isSpam": false, "assigneeId": "42"]
        let text = RecordFormatter.format(record)
        XCTAssertEqual(text, "id: 1\nSubject: Printer\nOwner: 42\n  agent: Carla\n  isSpam: false")
    }

    func testNestedObjectsAreSummarisedWithTheRightCount() {
        let small: JSON = ["id": "1", "cf": ["a": 1]]
        XCTAssertEqual(RecordFormatter.format(small), "id: 1\n  cf: {a = 1}")
        var fields: [String: JSON] = [:]
        for i in 0..<9 { fields["field\(i)"] = .string(String(repeating: "x", count: 10)) }
        XCTAssertEqual(RecordFormatter.format(["id": "1", "cf": .object(fields)]), "id: 1\n  cf: {9 fields}")
        XCTAssertEqual(InlineValue.count(1, "item"), "1 item")
        XCTAssertEqual(InlineValue.count(2, "field"), "2 fields")
    }

    func testATableThatIsNotARecordShowsNullsAndEmptyStrings() {
        XCTAssertEqual(RecordFormatter.format(["a": .null, "b": "", "c": true]), "  a: null\n  b: \"\"\n  c: true")
    }

    func testTheReplShowsTheSameScalarsAndNulls() {
        let printer = ReplPrinter()
        XCTAssertEqual(printer.render(.json(["a": .null, "b": true])), "{a = null, b = true}")
        XCTAssertEqual(printer.render(.json(.null)), "nil")
        XCTAssertEqual(ReplPrinter.leading.map(\.label), RecordFormatter.leading.map(\.label))
    }

    // MARK: - Tables

    func testTablesPickColumnsPerResourceAndAlign() {
        let tickets: JSON = [
            ["id": "1", "subject": "Printer on fire", "status": "Open", "assignee": ["firstName": "Carla", "lastName": "M"], "modifiedTime": "2026-01-02"],
            ["id": "22", "subject": "VPN", "status": "Closed", "modifiedTime": "2026-01-03"],
        ]
        var text = BoundedText()
        TableFormatter.format(tickets, into: &text)
        XCTAssertEqual(text.text, """
            ID   SUBJECT           STATUS   OWNER     MODIFIED
            1    Printer on fire   Open     Carla M   2026-01-02
            22   VPN               Closed             2026-01-03
            """)
        var picked = BoundedText()
        TableFormatter.format(tickets, columns: ["id", "assignee.firstName"], into: &picked)
        XCTAssertEqual(picked.text, "ID   ASSIGNEE.FIRSTNAME\n1    Carla\n22   ")
    }

    func testOutputFormatParsing() throws {
        XCTAssertEqual(try OutputFormat(parsing: "table"), .table(columns: nil))
        XCTAssertEqual(try OutputFormat(parsing: "table=id, subject"), .table(columns: ["id", "subject"]))
        XCTAssertEqual(try OutputFormat(parsing: "json"), .json)
        XCTAssertThrowsError(try OutputFormat(parsing: "yaml")) { XCTAssertTrue("\($0)".contains("-o/--output"), "\($0)") }
        XCTAssertThrowsError(try OutputFormat(parsing: "table="))
    }

    // MARK: - Plans

    func testPlansGroupPerOperationWithIdsByRoleAndChangedFields() throws {
        let remove = try XCTUnwrap(Catalog.shared.operation(id: "removeLabelsFromUsers"))
        let update = try XCTUnwrap(Catalog.shared.operation(id: "updateTicket"))
        func call(_ n: Int, _ op: DeskCatalog.Operation, _ name: String, _ path: String, _ body: JSON, _ safety: Safety) -> CallRecord {
            CallRecord(sequence: n, operationId: op.id, calledAs: name, method: op.method, path: path, query: [:], body: body,
                       ids: [], safety: safety, outcome: .planned, status: nil, errorCode: nil, message: nil, durationMs: nil)
        }
        let calls = [
            call(1, remove, "helpcenter.labels.remove_users", "/api/v1/labels/77/users/remove", ["userIds": ["5", "6"]], .destructive),
            call(2, remove, "helpcenter.labels.remove_users", "/api/v1/labels/77/users/remove", ["userIds": ["7"]], .destructive),
            call(3, update, "desk.tickets.update", "/api/v1/tickets/9", ["assigneeId": "42", "cf": ["a": 1]], .write),
        ]
        let text = PlanRenderer(calls: calls).render()
        XCTAssertEqual(text, """
            Plan (dry run — nothing was sent):
              DESTRUCTIVE (2 calls):
                helpcenter.labels.remove_users ×2  POST /api/v1/labels/{labelId}/users/remove  label: 77; users: 5, 6, 7
              writes (1 call):
                desk.tickets.update ×1  PATCH /api/v1/tickets/{ticketId}  ticket: 9
                  ~ assigneeId → "42"
                  ~ cf → {a = 1}
            """)
    }

    // MARK: - Colour and --json plumbing

    func testColourIsOnOnlyOnATerminalWithoutNoColorOrDumbTerm() {
        XCTAssertTrue(Colour.auto(isTerminal: true, environment: ["TERM": "xterm"]))
        XCTAssertFalse(Colour.auto(isTerminal: false, environment: ["TERM": "xterm"]))
        XCTAssertFalse(Colour.auto(isTerminal: true, environment: ["TERM": "xterm", "NO_COLOR": ""]))
        XCTAssertFalse(Colour.auto(isTerminal: true, environment: ["TERM": "dumb"]))
        XCTAssertTrue(Colour(mode: .always).enabled)
        XCTAssertFalse(Colour(mode: .never).enabled)
        XCTAssertEqual(Colour(enabled: true).safety("destructive", .destructive), "\u{1B}[1;31mdestructive\u{1B}[0m")
        XCTAssertEqual(Colour(enabled: false).outcome("denied"), "denied")
    }

    func testPagerRules() {
        XCTAssertEqual(Pager.command(environment: [:]), "less -FRX")
        XCTAssertEqual(Pager.command(environment: ["PAGER": "more"]), "more")
        XCTAssertEqual(Pager.command(environment: ["PAGER": "more", "ZDSH_PAGER": "most"]), "most")
        XCTAssertNil(Pager.command(environment: ["PAGER": "cat"]))
        XCTAssertNil(Pager.command(environment: ["PAGER": ""]))
        XCTAssertNil(Pager.command(environment: ["TERM": "dumb"]))
    }

    func testWantsJSONAndErrorDocuments() {
        XCTAssertTrue(CommandOutput.wantsJSON(["zdsh", "eval", "--json", "x"]))
        XCTAssertTrue(CommandOutput.wantsJSON(["zdsh", "eval", "-o", "json", "x"]))
        XCTAssertFalse(CommandOutput.wantsJSON(["zdsh", "eval", "--", "--json"]))
        let denial: LuaError = .runtime(message: "denied", traceback: "", value: .object(
            ["code": "POLICY_DENIED", "operation": "deleteLabel", "ids": ["7"], "message": "denied", "zdsh_error": "denied"]))
        let doc = ErrorDocument.from(denial, code: .denied)
        XCTAssertEqual(doc.json, ["code": 3, "message": "denied", "operation": "deleteLabel", "error_code": "POLICY_DENIED", "failed": ["7"]])
        // A table Lua built proves nothing: only its message is taken.
        let forged = ErrorDocument.from(.runtime(message: "m", traceback: "", value: .table(["operation": "x", "message": "hi"])), code: .luaError)
        XCTAssertEqual(forged.json, ["code": 1, "message": "hi"])
    }
}

/// `zdsh api show` marks as required only what a call must carry.
final class ApiShowRequiredTests: XCTestCase {
    func testPartialUpdatesRequireNoBodyField() throws {
        let text = try XCTUnwrap(ApiHelp.describe("desk.api.updateTicket"))
        XCTAssertTrue(text.contains("ticketId (path"), text)
        XCTAssertTrue(text.contains("ticketId (path, ") && text.contains(") required"), text)
        let bodyLines = text.split(separator: "\n").drop { !$0.contains("body (") }.dropFirst().prefix { $0.hasPrefix("    ") }
        XCTAssertFalse(bodyLines.isEmpty, text)
        XCTAssertFalse(bodyLines.contains { $0.hasSuffix(" required") }, text)
        let json = try XCTUnwrap(ApiHelp.json("desk.api.updateTicket"))
        let props = json["body"]?["properties"]?.arrayValue ?? []
        XCTAssertFalse(props.contains { $0["required"] == true }, "\(props)")
    }

    func testDefaultedQueryParametersAreNotRequired() throws {
        let text = try XCTUnwrap(ApiHelp.describe("desk.api.getTickets"))
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("departmentId (query") })
        XCTAssertFalse(line.hasSuffix(" required"), String(line))
    }
}
