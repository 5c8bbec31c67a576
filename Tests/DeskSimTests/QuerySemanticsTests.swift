import DeskCore
import Foundation
import JSONValue
import DeskCatalog
import XCTest
@testable import DeskSim

/// Filters, search and tags work over the stored records, and an answer that
/// ignored a parameter says so in `X-Zdsh-Sim-Unmodelled`.
/// The clock stands at 2024-06-01T00:00:00Z.
final class QuerySemanticsTests: XCTestCase {
    static let dept = "100", otherDept = "101", agent = "200", team = "300"
    static let jo = "400", ann = "401", acme = "500"

    /// A small org whose tickets differ in what each filter looks at.
    static func fixture(timeZone: String? = nil) -> Fixture {
        var root: [String: JSON] = [
            "organizations": [["id": "60000001", "companyName": "Query Org", "isDefault": true]],
            "departments": [["id": .string(dept), "name": "Support"], ["id": .string(otherDept), "name": "Sales"]],
            "agents": [["id": .string(agent), "firstName": "Ada", "lastName": "Agent", "emailId": "ada@example.org", "status": "ACTIVE"]],
            "accounts": [["id": .string(acme), "accountName": "Acme Logistics", "email": "hq@acme.example", "phone": "+1 555 0100"]],
            "contacts": [
                ["id": .string(jo), "firstName": "Jo", "lastName": "Smith", "email": "jo@example.org", "phone": "555-1234", "accountId": .string(acme)],
                ["id": .string(ann), "firstName": "Ann", "lastName": "Other", "email": "ann@example.net", "phone": "555-9999"],
            ],
            "tickets": [
                ticket("600", subject: "Printer log full", status: "Open", due: "2024-05-30T10:00:00.000Z", created: "2024-05-25T00:00:00.000Z",
                       assignee: agent, contact: jo, team: team),
                ticket("601", subject: "Closed and late", status: "Closed", due: "2024-05-29T10:00:00.000Z", created: "2024-04-01T00:00:00.000Z",
                       closed: "2024-05-31T20:00:00.000Z"),
                ticket("602", subject: "Due later today", status: "Open", due: "2024-06-01T15:00:00.000Z", created: "2024-05-31T00:00:00.000Z",
                       contact: ann),
                ticket("603", subject: "Due tomorrow", status: "On Hold", due: "2024-06-02T09:00:00.000Z", created: "2024-03-01T00:00:00.000Z",
                       dept: otherDept, channel: "Phone"),
                ticket("604", subject: "No due date", status: "Open", due: nil, created: "2024-05-31T12:00:00.000Z"),
            ],
        ]
        if let timeZone { root["timeZone"] = .string(timeZone) }
        return Fixture(json: .object(root))
    }

    static func ticket(_ id: String, subject: String, status: String, due: String?, created: String, assignee: String? = nil,
                       contact: String? = nil, team: String? = nil, closed: String? = nil, dept: String = dept,
                       channel: String = "Email") -> JSON {
        [
            "id": .string(id), "subject": .string(subject), "status": .string(status), "dueDate": due.map(JSON.string) ?? .null,
            "createdTime": .string(created), "modifiedTime": .string(created), "assigneeId": assignee.map(JSON.string) ?? .null,
            "contactId": contact.map(JSON.string) ?? .null, "teamId": team.map(JSON.string) ?? .null, "departmentId": .string(dept),
            "closedTime": closed.map(JSON.string) ?? .null, "channel": .string(channel), "ticketNumber": .string(String(Int(id)! - 500)),
            "statusType": .string(status == "Closed" ? "Closed" : status == "On Hold" ? "On Hold" : "Open"),
        ]
    }

    func harness(timeZone: String? = nil) -> SimHarness { SimHarness(fixture: Self.fixture(timeZone: timeZone)) }

    func unmodelled(_ r: SimHarness.Result) -> [String] {
        (r.raw.header("X-Zdsh-Sim-Unmodelled") ?? "").split(separator: ",").map(String.init)
    }

    func ticketIds(_ h: SimHarness, _ query: String) async throws -> [String] {
        let r = try await h.call("GET", "/api/v1/tickets?" + query)
        XCTAssertTrue([200, 204].contains(r.status), "\(query): \(r.status) \(String(describing: r.json))")
        XCTAssertEqual(unmodelled(r), [], "\(query) is modelled")
        return ids(r.json)
    }

    // MARK: ticket list

    func testDueDateOverdueKeepsOnlyOpenTicketsPastTheirDueDate() async throws {
        let h = harness()
        let overdue = try await ticketIds(h, "dueDate=overdue")
        XCTAssertEqual(overdue, ["600"], "the closed ticket is not overdue, the one due tonight not yet")
        do { let got = try await ticketIds(h, "dueDate=today"); XCTAssertEqual(got, ["602"]) }
        do { let got = try await ticketIds(h, "dueDate=tomorrow"); XCTAssertEqual(got, ["603"]) }
        do { let got = Set(try await ticketIds(h, "dueDate=overdue,today")); XCTAssertEqual(got, ["600", "602"]) }
    }

    func testDateKeywordsUseTheFixturesTimeZone() async throws {
        // 2024-06-01T00:00Z is 2024-05-31 17:00 in Los Angeles: "today" is 31 May there.
        let h = harness(timeZone: "America/Los_Angeles")
        do { let got = try await ticketIds(h, "dueDate=tomorrow"); XCTAssertEqual(got, ["602"]) }
        do { let got = try await ticketIds(h, "closedTime=today"); XCTAssertEqual(got, ["601"]) }
    }

    func testStatusAssigneeDepartmentChannelTeamAndReceived() async throws {
        let h = harness()
        do { let got = try await ticketIds(h, "status=Closed,On%20Hold"); XCTAssertEqual(got, ["601", "603"]) }
        do { let got = try await ticketIds(h, "assignee=\(Self.agent)"); XCTAssertEqual(got, ["600"]) }
        do { let got = try await ticketIds(h, "assignee=Unassigned"); XCTAssertEqual(got, ["601", "602", "603", "604"]) }
        do { let got = try await ticketIds(h, "departmentId=\(Self.otherDept)"); XCTAssertEqual(got, ["603"]) }
        do { let got = try await ticketIds(h, "channel=Phone"); XCTAssertEqual(got, ["603"]) }
        do { let got = try await ticketIds(h, "teamIds=\(Self.team)"); XCTAssertEqual(got, ["600"]) }
        do { let got = try await ticketIds(h, "receivedInDays=15"); XCTAssertEqual(got, ["600", "602", "604"]) }
        do { let got = try await ticketIds(h, "closedTime=last7days"); XCTAssertEqual(got, ["601"]) }
    }

    func testSortByWithMinusIsDescending() async throws {
        let h = harness()
        do { let got = try await ticketIds(h, "sortBy=-createdTime&limit=3"); XCTAssertEqual(got, ["604", "602", "600"]) }
        do { let got = try await ticketIds(h, "sortBy=createdTime&limit=2"); XCTAssertEqual(got, ["603", "601"]) }
        do { let got = try await ticketIds(h, "sortBy=dueDate&limit=2"); XCTAssertEqual(got, ["601", "600"]) }
    }

    func testIncludeContactsFillsTheContactInTheList() async throws {
        let h = harness()
        let r = try await h.call("GET", "/api/v1/tickets?include=contacts&limit=1")
        XCTAssertEqual(r.json?["data"]?[0]?["contact"]?["lastName"], "Smith")
        XCTAssertEqual(unmodelled(r), [])
    }

    func testAParameterTheSimulatorIgnoresIsNamed() async throws {
        let h = harness()
        let r = try await h.call("GET", "/api/v1/tickets?viewId=123&status=Open")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(unmodelled(r), ["viewId"])
        let synthesized = try await h.call("GET", "/api/v1/layouts?module=tickets")
        XCTAssertEqual(unmodelled(synthesized).first, "*", "an answer built from the schema alone says so")
        XCTAssertTrue(unmodelled(synthesized).contains("module"))
        let plain = try await h.call("GET", "/api/v1/tickets/600")
        XCTAssertNil(plain.raw.header("X-Zdsh-Sim-Unmodelled"))
    }

    // MARK: search

    func testTicketSearchWildcardsAndLinkedNames() async throws {
        let h = harness()
        func search(_ q: String) async throws -> [String] {
            let r = try await h.call("GET", "/api/v1/tickets/search?" + q)
            XCTAssertEqual(unmodelled(r), [], q)
            return ids(r.json)
        }
        do { let got = try await search("subject=*log*"); XCTAssertEqual(got, ["600"]) }
        do { let got = try await search("subject=due*"); XCTAssertEqual(got, ["602", "603"]) }
        do { let got = try await search("subject=due"); XCTAssertEqual(got, [], "without stars the whole subject must match") }
        do { let got = try await search("contactName=*smith*"); XCTAssertEqual(got, ["600"]) }
        do { let got = try await search("_all=tomorrow"); XCTAssertEqual(got, ["603"]) }
        do { let got = try await search("status=Open&createdTimeRange=2024-05-30T00:00:00.000Z,2024-06-01T00:00:00.000Z"); XCTAssertEqual(got, ["602", "604"]) }
        do { let got = try await search("dueDateRange=2024-06-01T00:00:00.000Z,2024-06-03T00:00:00.000Z&sortBy=-createdTime"); XCTAssertEqual(got, ["602", "603"]) }
        let counted = try await h.call("GET", "/api/v1/tickets/search?status=Open&limit=1&from=1")
        XCTAssertEqual(counted.json?["count"], "3")
        XCTAssertEqual(ids(counted.json), ["602"], "search counts from 0")
    }

    func testContactAndAccountSearch() async throws {
        let h = harness()
        let byEmail = try await h.call("GET", "/api/v1/contacts/search?email=jo@example.org")
        XCTAssertEqual(ids(byEmail.json), [Self.jo])
        XCTAssertEqual(unmodelled(byEmail), [])
        do { let got = ids(try await h.call("GET", "/api/v1/contacts/search?fullName=Jo%20Smith").json); XCTAssertEqual(got, [Self.jo]) }
        do { let got = ids(try await h.call("GET", "/api/v1/contacts/search?_all=555-99").json); XCTAssertEqual(got, [Self.ann]) }
        do { let got = ids(try await h.call("GET", "/api/v1/contacts/search?accountName=acme*").json); XCTAssertEqual(got, [Self.jo]) }
        do { let got = ids(try await h.call("GET", "/api/v1/contacts/search?id=\(Self.ann)").json); XCTAssertEqual(got, [Self.ann]) }
        do { let got = ids(try await h.call("GET", "/api/v1/accounts/search?accountName=*logistics").json); XCTAssertEqual(got, [Self.acme]) }
        let none = try await h.call("GET", "/api/v1/accounts/search?_all=nobody")
        XCTAssertEqual(none.status, 204)
    }

    func testSearchAcrossModules() async throws {
        let h = harness()
        let r = try await h.call("GET", "/api/v1/search?searchStr=acme")
        XCTAssertEqual(r.status, 200)
        let modules = Set((r.json?["data"]?.arrayValue ?? []).compactMap { $0["module"]?.stringValue })
        XCTAssertEqual(modules, ["accounts"])
        let tickets = try await h.call("GET", "/api/v1/search?searchStr=printer&module=tickets")
        XCTAssertEqual(ids(tickets.json), ["600"])
        XCTAssertEqual(unmodelled(tickets), [])
    }

    func testAgentFilters() async throws {
        let h = SimHarness()
        let all = try await h.call("GET", "/api/v1/agents?limit=100")
        let active = try await h.call("GET", "/api/v1/agents?status=ACTIVE&limit=100")
        XCTAssertEqual(unmodelled(active), [])
        let activeIds = Set(ids(active.json))
        for a in all.json?["data"]?.arrayValue ?? [] {
            XCTAssertEqual(activeIds.contains(a["id"]?.stringValue ?? ""), a["status"] == "ACTIVE")
        }
        let first = try XCTUnwrap(all.json?["data"]?[0])
        let email = try XCTUnwrap(first["emailId"]?.stringValue)
        let byEmail = try await h.call("GET", "/api/v1/agents?searchStr=\(email)")
        XCTAssertEqual(ids(byEmail.json), [first["id"]?.stringValue].compactMap { $0 })
    }

    // MARK: tags

    func testTicketTagsRoundTrip() async throws {
        let h = harness()
        let tagged = try await h.call("POST", "/api/v1/tickets/600/associateTag", body: ["tags": ["spam", "vip-customer"]])
        XCTAssertEqual(tagged.status, 200)
        XCTAssertEqual((tagged.json?["data"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }, ["spam", "vip-customer"])
        _ = try await h.call("POST", "/api/v1/tickets/602/associateTag", body: ["tags": ["spam"]])
        let tags = try await h.call("GET", "/api/v1/tickets/600/tags")
        XCTAssertEqual((tags.json?["tags"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }, ["spam", "vip-customer"])
        let spamId = try XCTUnwrap(tags.json?["tags"]?[0]?["id"]?.stringValue)
        let search = try await h.call("GET", "/api/v1/tags/search?searchVal=spa&departmentId=\(Self.dept)")
        XCTAssertEqual((search.json?["data"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }, ["spam"])
        let byTag = try await h.call("GET", "/api/v1/tags/\(spamId)/tickets")
        XCTAssertEqual(ids(byTag.json), ["600", "602"])
        let ticketSearch = try await h.call("GET", "/api/v1/tickets/search?tag=spam")
        XCTAssertEqual(ids(ticketSearch.json), ["600", "602"])
        let counts = try await h.call("GET", "/api/v1/ticketTags?departmentId=\(Self.dept)")
        XCTAssertEqual(counts.json?["data"]?.arrayValue?.first { $0["name"] == "spam" }?["ticketCount"], "2")
        _ = try await h.call("POST", "/api/v1/tickets/600/dissociateTag", body: ["tags": ["spam"]])
        do { let got = ids(try await h.call("GET", "/api/v1/tags/\(spamId)/tickets").json); XCTAssertEqual(got, ["602"]) }
    }

    func testNegativeLimitsNeverCrashTheSimulator() async throws {
        let h = harness()
        for path in ["/api/v1/ticketTags?departmentId=\(Self.dept)&limit=-1", "/api/v1/tickets?sortBy=createdTime&limit=-5",
                     "/api/v1/tickets/search?status=Open&limit=-1", "/api/v1/search?searchStr=a&limit=-2&from=-3",
                     "/api/v1/tags/search?departmentId=\(Self.dept)&limit=-1"] {
            let r = try await h.call("GET", path)
            XCTAssertTrue([200, 204, 422].contains(r.status), "\(path): \(r.status)")
        }
    }

    /// What schemathesis found and the checker now finds too: per-id errors for unknown ids
    /// in the codes each mass action documents, oneOf/anyOf branches, names that are text.
    func testCheckerFindsWhatThePropertyTesterFound() async throws {
        let h = SimHarness()
        let checker = ResponseChecker()
        for (path, op, body) in [("/api/v1/articles/moveToTrash", "deleteArticle", ["ids": ["1"]] as JSON),
                                 ("/api/v1/recycleBin/restore", "restoreEntities", ["ids": ["1"]]),
                                 ("/api/v1/tasks/updateMany", "massUpdateTasks", ["ids": ["1"], "fieldName": "subject", "fieldValue": "x"]),
                                 ("/api/v1/calls/updateMany", "massUpdateCalls", ["ids": ["1"], "fieldName": "subject", "fieldValue": "x"])] {
            let r = try await h.call("POST", path, body: body)
            let routed = h.sim.requestLog.last?.operationId ?? op
            XCTAssertEqual(checker.check(operationId: routed, status: r.status, body: r.raw.body).map(\.description), [], path)
        }
        let field = try await h.call("GET", "/api/v1/organizationFields/1892000000000001")
        if field.status == 200 {
            XCTAssertNotEqual(field.json?["apiName"]?.stringValue?.contains("T"), true, "apiName is a name, not a timestamp")
        }
        // A branch mismatch is reported: a value meeting none of two closed branches.
        let a = Schema(types: ["object"], properties: ["a": Schema(types: ["string"])], requiredProperties: ["a"], additionalProperties: false)
        let b = Schema(types: ["object"], properties: ["b": Schema(types: ["string"])], requiredProperties: ["b"], additionalProperties: false)
        let union = Schema(types: ["object"], properties: ["a": Schema(types: ["string"]), "b": Schema(types: ["string"])],
                           additionalProperties: false, anyOf: [a, b])
        var walk = SchemaWalk()
        walk.walk(["a": "x", "b": "y"], union, pointer: "")
        XCTAssertTrue(walk.problems.contains { $0.1.contains("matches none of its 2 oneOf/anyOf branches") }, "\(walk.problems)")
        var fine = SchemaWalk()
        fine.walk(["b": "y"], union, pointer: "")
        XCTAssertTrue(fine.problems.isEmpty)
    }

    // MARK: help center

    func testHelpCenterUsersAndLabelsSearchBy() async throws {
        let h = SimHarness()
        let users = try await h.call("GET", "/api/v1/users?limit=50")
        let first = try XCTUnwrap(users.json?["data"]?[0])
        let name = try XCTUnwrap(first["name"]?.stringValue)
        let found = try await h.call("GET", "/api/v1/users?searchBy=\(name.prefix(4).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
        XCTAssertTrue(ids(found.json).contains(first["id"]?.stringValue ?? "-"))
        XCTAssertEqual(unmodelled(found), [])
        let labels = try await h.call("GET", "/api/v1/labels?searchBy=gol")
        XCTAssertEqual((labels.json?["data"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }, ["Gold"])
        XCTAssertEqual(unmodelled(labels), [])
    }

    // MARK: fixtures

    func testSeededUserWithoutHelpCenterIdStaysListed() async throws {
        let h = SimHarness()
        try h.sim.seed(["users": [["id": "777", "name": "No Center", "emailAddress": "nc@example.org"]]])
        let hc = try XCTUnwrap(h.sim.resource("helpCenters").first?["id"]?.stringValue)
        let r = try await h.call("GET", "/api/v1/users?helpCenterId=\(hc)&limit=50&searchBy=no%20center")
        XCTAssertEqual(ids(r.json), ["777"])
    }

    func testFixtureErrorsNameRecordAndField() throws {
        let h = SimHarness()
        XCTAssertThrowsError(try h.sim.seed(["tickets": [["id": "900", "subject": 42]]])) { e in
            XCTAssertTrue("\(e)".contains("tickets[0] (id 900): field subject"), "\(e)")
        }
        XCTAssertThrowsError(try h.sim.seed(["contacts": [["id": "not-an-id", "lastName": "X"]]])) { e in
            XCTAssertTrue("\(e)".contains("contacts[0]") && "\(e)".contains("field id"), "\(e)")
        }
        XCTAssertThrowsError(try h.sim.seed(["tickets": [["id": "901", "dueDate": "tomorrow"]]])) { e in
            XCTAssertTrue("\(e)".contains("field dueDate"), "\(e)")
        }
        XCTAssertThrowsError(try h.sim.seed(["timeZone": "Mars/Olympus"])) { e in XCTAssertTrue("\(e)".contains("timeZone"), "\(e)") }
        // Minimal records keep working: missing fields get defaults.
        XCTAssertNoThrow(try h.sim.seed(["tickets": [["subject": "Minimal"]]]))
    }

    func testFixtureFileErrorsNameTheFile() throws {
        let path = NSTemporaryDirectory() + "zdsh-bad-fixture-\(UUID().uuidString).json"
        try #"{"agents": [{"id": "5", "firstName": ["A"]}]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try Fixture.load(path: path)) { e in
            XCTAssertTrue("\(e)".contains(path) && "\(e)".contains("agents[0] (id 5): field firstName"), "\(e)")
        }
    }

    func testDemoAndBulkFixturesPassTheirOwnChecks() throws {
        XCTAssertNoThrow(try StateIO.load(DemoFixture.json(now: Date()), into: SimState(), now: "2024-06-01T00:00:00.000Z"))
        XCTAssertNoThrow(try Simulator(fixture: .bulk(labelUsers: 10, tickets: 10)).reset(.bulk(labelUsers: 10, tickets: 10)))
    }
}
