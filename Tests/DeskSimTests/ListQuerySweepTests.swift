import DeskCatalog
import DeskCore
import Foundation
import JSONValue
import XCTest
@testable import DeskSim

/// Every list and search operation of the catalog, every query parameter it
/// documents: the answer either honours the parameter over the stored
/// records or names it in `X-Zdsh-Sim-Unmodelled`. Where a parameter names a
/// field of the records, the filter is checked with a value taken from a
/// stored record. The counts feed RELIABILITY.md.
final class ListQuerySweepTests: XCTestCase {
    static let paging: Set<String> = ["orgId", "from", "limit"]

    /// Operations whose every documented parameter must be modelled (issue 28).
    static let mustModel: Set<String> = [
        "getTickets", "searchTickets", "searchContacts", "searchAccounts", "getAgents", "getUsers", "getLabels",
        "getTags", "getTicketsTags", "getTicketsByTag", "doSearch", "getTicketTags",
    ]

    static var listLike: [DeskCatalog.Operation] {
        Catalog.shared.operations.filter { op in
            guard op.method == "GET" else { return false }
            switch op.envelope {
            case .list, .bareArray: return true
            default: return op.id.lowercased().contains("search") || op.path.hasSuffix("/search")
            }
        }.sorted { $0.id < $1.id }
    }

    struct Tally { var modelled = 0, marked = 0, rejected = 0, checked = 0 }

    func testEveryListAndSearchParameterIsHonouredOrMarked() async throws {
        let h = SimHarness()
        var tally = Tally()
        var unmodelledMustModel: [String] = []
        for op in Self.listLike {
            guard let base = path(op, h) else { continue }
            let required = op.parameters.filter { $0.location == .query && $0.required && !Self.paging.contains($0.name) }
            let requiredQuery = Dictionary(uniqueKeysWithValues: required.map { ($0.name, value(for: $0, op: op, h)) })
            for p in op.parameters where p.location == .query && !Self.paging.contains(p.name) {
                var query = requiredQuery
                query[p.name] = value(for: p, op: op, h)
                let r = try await h.call("GET", base + "?" + encode(query))
                guard (200..<300).contains(r.status) else { tally.rejected += 1; continue }
                let named = Set((r.raw.header("X-Zdsh-Sim-Unmodelled") ?? "").split(separator: ",").map(String.init))
                if named.contains(p.name) {
                    tally.marked += 1
                    if Self.mustModel.contains(op.id) { unmodelledMustModel.append("\(op.id).\(p.name)") }
                } else {
                    XCTAssertNotNil(HandlerRegistry.all[op.id], "\(op.id): a synthesised answer must name \(p.name)")
                    tally.modelled += 1
                    if try await checkFieldFilter(op, base: base, p.name, requiredQuery, h) { tally.checked += 1 }
                }
            }
        }
        XCTAssertEqual(unmodelledMustModel, [], "issue 28 needs these modelled")
        XCTAssertGreaterThan(tally.modelled, 100)
        print("list/search parameters: \(tally.modelled) modelled (\(tally.checked) checked against stored records), \(tally.marked) marked unmodelled, \(tally.rejected) refused by validation or naming no record")
    }

    /// Where `name` is a field of the records listed: filtering by a stored record's
    /// value keeps that record and only records with that value.
    private func checkFieldFilter(_ op: DeskCatalog.Operation, base: String, _ name: String, _ required: [String: String],
                                  _ h: SimHarness) async throws -> Bool {
        // Text search, order, embedding and date keywords have their own tests (QuerySemanticsTests).
        guard !["sortBy", "include", "_all", "searchStr", "searchBy", "searchVal", "searchString", "dueDate", "closedTime"].contains(name),
              op.id != "doSearch" else { return false }
        let all = try await h.call("GET", base + "?" + encode(required.merging(["limit": "50"]) { a, _ in a }))
        guard let first = items(all.json, op).first(where: { FieldText.scalar($0[name]) != nil }),
              let wanted = FieldText.scalar(first[name]), !wanted.isEmpty, !wanted.contains(",") else { return false }
        var query = required
        query[name] = wanted
        query["limit"] = "50"
        let r = try await h.call("GET", base + "?" + encode(query))
        let got = items(r.json, op)
        XCTAssertTrue(got.contains { $0["id"] == first["id"] }, "\(op.id)?\(name)=\(wanted) keeps the record it came from")
        for item in got where FieldText.scalar(item[name])?.lowercased() != wanted.lowercased() {
            XCTFail("\(op.id)?\(name)=\(wanted) answered a record with \(name)=\(String(describing: item[name]))")
        }
        return true
    }

    private func items(_ json: JSON?, _ op: DeskCatalog.Operation) -> [JSON] {
        guard let json else { return [] }
        return DeskResult.json(json).items(envelope: op.envelope) ?? []
    }

    /// The path with each parameter naming a stored record filled in from the demo org; nil when one cannot be.
    private func path(_ op: DeskCatalog.Operation, _ h: SimHarness) -> String? {
        var out = op.path
        for p in op.parameters where p.location == .path {
            let id: String?
            if p.name == "organizationId" { id = h.sim.orgId }
            else if let table = PathResources.table(for: p.name, in: op.path) { id = h.sim.resource(table).first?["id"]?.stringValue }
            else { id = "1" }
            guard let id else { return nil }
            out = out.replacingOccurrences(of: "{\(p.name)}", with: id)
        }
        return out
    }

    private func value(for p: Parameter, op: DeskCatalog.Operation, _ h: SimHarness) -> String {
        let s = p.schema.items ?? p.schema
        if let e = s.enumValues?.first(where: { !$0.isEmpty }) { return e }
        if p.name == "sortBy" { return "createdTime" }
        if p.name.hasSuffix("Range") { return "2024-01-01T00:00:00.000Z,2024-12-31T00:00:00.000Z" }
        if s.types.contains("boolean") { return "true" }
        if s.format == "int64" || s.pattern == "([0-9]+)" || s.types.contains("integer") {
            if let table = PathResources.tableByParameter[p.name], let id = h.sim.resource(table).first?["id"]?.stringValue { return id }
            return "1"
        }
        if s.format == "date-time" { return "2024-01-01T00:00:00.000Z" }
        return "xyz"
    }

    private func encode(_ query: [String: String]) -> String {
        query.sorted { $0.key < $1.key }.map { k, v in
            "\(k)=\(v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? v)"
        }.joined(separator: "&")
    }
}
