import Foundation
import JSONValue
import XCTest
@testable import DeskSim

/// Paging a table: the unfiltered fast path (which skips rows without
/// building them) returns exactly what visiting every row would.
final class TableTests: XCTestCase {
    private func table(lazy count: Int, removing removed: [Int], appending extra: Int) -> Table {
        let t = Table(lazy: LazyRows(count: count, firstId: 1000) { _, id in ["id": .string(id)] })
        for i in removed { _ = t.remove(String(1000 + i)) }
        for i in 0..<extra { t.put(["id": .string(String(5000 + i))]) }
        return t
    }

    func testUnfilteredPagesMatchVisitingEveryRow() {
        for removed in [[], [0, 3, 4, 17], [29]] {
            let t = table(lazy: 30, removing: removed, appending: 7)
            for start in [0, 1, 5, 25, 26, 30, 36, 37, 50] {
                for limit in [1, 4, 10, 50] {
                    let fast = t.page(start: start, limit: limit).map { $0["id"]!.stringValue! }
                    let slow = t.page(start: start, limit: limit, where: { _ in true }).map { $0["id"]!.stringValue! }
                    XCTAssertEqual(fast, slow, "removed \(removed) start \(start) limit \(limit)")
                }
            }
        }
    }

    func testWrittenLazyRowsAreServedFromTheirNewState() {
        let t = table(lazy: 5, removing: [], appending: 0)
        t.put(["id": "1002", "subject": "changed"])
        XCTAssertEqual(t.page(start: 2, limit: 1).first?["subject"], "changed")
    }
}
