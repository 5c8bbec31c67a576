import Foundation
import XCTest

/// Issue 25 §1 through MCP: a mistyped field is a tool error (usage_error)
/// naming the field, and the record is unchanged afterwards.
extension McpProtocolTests {
    func testMistypedFieldIsAUsageErrorAndChangesNothing() throws {
        let (responses, err, status) = try converse(Self.initialize + [
            Self.call(2, "run_lua", ["code": #"return desk.tickets.update("1892000000220001", {prority = "Low"})"#]),
            Self.call(3, "run_lua", ["code": #"return desk.tickets.get("1892000000220001").priority"#]),
        ])
        XCTAssertEqual(status, 0, err)
        let refused = responses[2]?["result"] as? [String: Any]
        let content = refused?["structuredContent"] as? [String: Any]
        XCTAssertEqual(refused?["isError"] as? Bool, true, "\(responses[2] ?? [:])")
        XCTAssertEqual(content?["status"] as? String, "usage_error", "\(content ?? [:])")
        XCTAssertTrue((content?["error"] as? String ?? "").contains("'prority' to 'desk.tickets.update' (no such field; did you mean priority?)"),
                      "\(content ?? [:])")
        let after = (responses[3]?["result"] as? [String: Any])?["structuredContent"] as? [String: Any]
        XCTAssertEqual(after?["result"] as? String, "High", "\(after ?? [:])")
    }
}
