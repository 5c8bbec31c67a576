import JSONValue
import LuaHost
import XCTest

/// Issue 26, item 3: an error is cut to what the run may still write before
/// it is shown, and a structured one stays whole JSON.
final class ErrorBudgetTests: XCTestCase {
    let budget = OutputBudget(bytes: 16 << 10, deadline: nil)

    func testMessageAndTracebackShareTheBudget() {
        var b = ErrorBudget(budget)
        let e = b.bound(.runtime(message: String(repeating: "x", count: 30 << 20), traceback: "stack traceback:\n\tf",
                                 value: .string(String(repeating: "x", count: 30 << 20))))
        guard case .runtime(let m, let t, .string(let v)) = e else { return XCTFail("\(e)") }
        XCTAssertLessThanOrEqual(m.utf8.count + t.utf8.count, (16 << 10) + 100)
        XCTAssertTrue(m.hasSuffix("[truncated: output limit of 16 KB reached]"), String(m.suffix(80)))
        XCTAssertTrue(t.isEmpty || t.hasPrefix("…"), t)
        XCTAssertLessThanOrEqual(v.utf8.count, (16 << 10) + 100, "the value gets the same budget, apart")
    }

    func testControlBytesCountAsEscaped() {
        var b = ErrorBudget(budget)
        let cut = b.cut(String(repeating: "\u{1}", count: 1 << 20))
        XCTAssertLessThanOrEqual(JSON.string(cut).encoded().utf8.count, (16 << 10) + 100)
    }

    func testStructuredValuesStayValidJSON() throws {
        var b = ErrorBudget(budget, copies: 2)
        let big = JSON.object([
            "message": .string(String(repeating: "m", count: 1 << 20)),
            "fields": .array((0..<100_000).map { .object(["fieldName": .string("f\($0)"), "errorType": "invalid"]) }),
            "status": 422,
        ])
        let bounded = b.bound(big)
        let text = bounded.encoded()
        XCTAssertLessThan(text.utf8.count, (8 << 10) + 512)
        XCTAssertEqual(try JSON.parse(text), bounded)
    }

    func testNoCapKeepsEverything() {
        var b = ErrorBudget(.unlimited)
        let long = String(repeating: "x", count: 100_000)
        XCTAssertEqual(b.cut(long), long)
    }
}
