import DeskCatalog
import XCTest

/// The generated undo facts (catalog/inverses.tsv) as `zdsh undo` reads them:
/// every mutating operation has one, every inverse is a real mutating
/// operation, and the issue's cases are covered the way it asks.
final class InverseFactTests: XCTestCase {
    func testEveryMutatingOperationHasAFactAndEveryInverseExists() {
        var kinds: [InverseFact.Kind: Int] = [:]
        for op in Catalog.shared.operations where op.method != "GET" {
            guard let fact = InverseFact.of(op.id) else { XCTFail("no undo fact for \(op.id)"); continue }
            kinds[fact.kind, default: 0] += 1
            if fact.kind == .irreversible {
                XCTAssertNil(fact.inverse, op.id)
                XCTAssertNotNil(fact.reason, op.id)
            } else {
                let inverse = fact.inverse.flatMap { Catalog.shared.operation(id: $0) }
                XCTAssertNotNil(inverse, "\(op.id)'s inverse \(fact.inverse ?? "nil")")
                XCTAssertNotEqual(inverse?.method, "GET", op.id)
            }
        }
        XCTAssertNil(InverseFact.of("getTicket"), "reads have none")
        XCTAssertEqual(kinds.values.reduce(0, +), Catalog.shared.operations.filter { $0.method != "GET" }.count)
    }

    func testTheIssuesCasesAreUndoneTheWayItAsks() {
        XCTAssertEqual(InverseFact.of("updateTicket")?.kind, .restoreFields)
        XCTAssertEqual(InverseFact.of("updateAgent")?.kind, .restoreFields)
        XCTAssertEqual(InverseFact.of("assignLabelToUsers")?.inverse, "removeLabelsFromUsers")
        XCTAssertEqual(InverseFact.of("removeLabelsFromUsers")?.inverse, "assignLabelToUsers")
        XCTAssertEqual(InverseFact.of("associateTicketTags")?.inverse, "dissociateTicketTags")
        XCTAssertEqual(InverseFact.of("deleteTicket")?.kind, .restoreFromTrash)
        XCTAssertEqual(InverseFact.of("deleteTicket")?.inverse, "restoreEntities")
        XCTAssertEqual(InverseFact.of("createLabel")?.inverse, "deleteLabel")
        XCTAssertEqual(InverseFact.of("createLabel")?.mapped?.target, "{labelId}")
        XCTAssertEqual(InverseFact.of("sendReply")?.kind, .irreversible, "a reply sent cannot be unsent")
        XCTAssertEqual(InverseFact.of("deleteLabel")?.kind, .irreversible, "a hard delete")
    }
}
