import Foundation
import TestSupport
import XCTest

/// `zdsh mcp` spoken by hand: JSON-RPC lines on stdin, answers on stdout.
/// Broken framing, a crash or stray output on stdout fails here even where
/// the Python client (scripts/test-mcp) is not installed.
final class McpProtocolTests: XCTestCase {
    static let root = ZdshBinary.packageRoot
    static let zdsh = ZdshBinary.path

    /// Sends `messages` (one JSON object per line), closes stdin, and returns
    /// every stdout line parsed, keyed by response id.
    func converse(_ messages: [[String: Any]], args: [String] = []) throws -> (responses: [Int: [String: Any]], err: String, status: Int32) {
        _ = try ZdshBinary.required()
        let state = NSTemporaryDirectory() + "zdsh-mcp-\(UUID().uuidString)"
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = state
        var input = Data()
        for m in messages {
            input += try JSONSerialization.data(withJSONObject: m)
            input += Data("\n".utf8)
        }
        let r = try ChildProcess.run(Self.zdsh, ["mcp", "--sim", "--timeout", "5"] + args, environment: environment,
                                     directory: Self.root.path, input: .data(input), timeout: 120)
        XCTAssertFalse(r.timedOut, "zdsh mcp did not exit after its input closed")
        var responses: [Int: [String: Any]] = [:]
        for line in r.out.split(separator: "\n") {
            // Every stdout line is one JSON-RPC message: nothing else may reach it.
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertNotNil(object, "not a JSON object on stdout: \(line)")
            XCTAssertEqual(object?["jsonrpc"] as? String, "2.0", String(line))
            if let id = object?["id"] as? Int { responses[id] = object }
        }
        return (responses, r.err, r.status)
    }

    static var initialize: [[String: Any]] { [
        ["jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": ["protocolVersion": "2025-06-18", "capabilities": [:] as [String: Any],
                    "clientInfo": ["name": "by-hand", "version": "1"]]],
        ["jsonrpc": "2.0", "method": "notifications/initialized"],
    ] }

    static func call(_ id: Int, _ tool: String, _ arguments: [String: Any]) -> [String: Any] {
        ["jsonrpc": "2.0", "id": id, "method": "tools/call", "params": ["name": tool, "arguments": arguments]]
    }

    func testInitializeListAndCallTools() throws {
        let (responses, err, status) = try converse(Self.initialize + [
            ["jsonrpc": "2.0", "id": 2, "method": "tools/list"],
            Self.call(3, "run_lua", ["code": "print('to the result, not stdout') return 6 * 7"]),
            Self.call(4, "search_operations", ["query": "profiles delete"]),
        ])
        XCTAssertEqual(status, 0, err)
        let info = (responses[1]?["result"] as? [String: Any])?["serverInfo"] as? [String: Any]
        XCTAssertEqual(info?["name"] as? String, "zdsh")

        let tools = ((responses[2]?["result"] as? [String: Any])?["tools"] as? [[String: Any]]) ?? []
        XCTAssertEqual(Set(tools.compactMap { $0["name"] as? String }),
                       ["search_operations", "describe_operation", "query", "run_lua", "apply_plan", "list_runbooks", "describe_runbook", "run_runbook", "undo"])
        for tool in tools {
            XCTAssertEqual((tool["inputSchema"] as? [String: Any])?["type"] as? String, "object", "\(tool["name"] ?? "?")")
        }

        let run = responses[3]?["result"] as? [String: Any]
        XCTAssertNotEqual(run?["isError"] as? Bool, true, "\(run ?? [:])")
        let structured = run?["structuredContent"] as? [String: Any]
        XCTAssertEqual(structured?["result"] as? Int, 42)
        XCTAssertEqual(structured?["output"] as? String, "to the result, not stdout\n")

        let found = ((responses[4]?["result"] as? [String: Any])?["structuredContent"] as? [String: Any])?["operations"] as? [[String: Any]]
        XCTAssertTrue(found?.contains { $0["name"] as? String == "desk.profiles.delete" && $0["safety"] as? String == "destructive" } ?? false,
                      "\(found ?? [])")
    }

    /// Issue 26: an error is output too. A 30 MB error message (and a deep
    /// traceback under it) comes back within the server's --max-output,
    /// marked as cut, in a tool result that is still valid JSON.
    func testErrorsInToolResultsStayWithinMaxOutput() throws {
        let (responses, err, status) = try converse(Self.initialize + [
            Self.call(2, "run_lua", ["code": "error(string.rep('x', 3e7))"]),
            Self.call(3, "run_lua", ["code": "local function f(n) if n == 0 then error(string.rep('y', 1e6)) end return f(n - 1) + 1 end return f(40)"]),
        ], args: ["--max-output", "16"])
        XCTAssertEqual(status, 0, err)
        for id in [2, 3] {
            let result = responses[id]?["result"] as? [String: Any]
            XCTAssertEqual(result?["isError"] as? Bool, true, "\(id)")
            let size = (try? JSONSerialization.data(withJSONObject: result ?? [:]).count) ?? 0
            XCTAssertLessThan(size, (16 << 10) + 4096, "tool result \(id) is \(size) bytes")
            let error = (result?["structuredContent"] as? [String: Any])?["error"] as? String ?? ""
            XCTAssertTrue(error.contains("truncated"), "\(id): \(error.prefix(200))")
        }
    }

    /// Mistakes come back as JSON-RPC errors or tool errors, and the server
    /// goes on answering.
    func testBadInputIsAnErrorNotACrash() throws {
        let (responses, err, status) = try converse(Self.initialize + [
            Self.call(2, "no_such_tool", [:]),
            Self.call(3, "run_lua", ["code": 42]),
            Self.call(4, "run_lua", ["code": "error('boom')"]),
            Self.call(5, "run_lua", ["code": "while true do end"]),
            ["jsonrpc": "2.0", "id": 6, "method": "tools/list"],
        // The loop must meet a limit before stdin's end stops it (a second after).
        ], args: ["--max-instructions", "2000000"])
        XCTAssertEqual(status, 0, err)
        XCTAssertEqual((responses[2]?["error"] as? [String: Any])?["code"] as? Int, -32602)
        XCTAssertTrue(((responses[2]?["error"] as? [String: Any])?["message"] as? String ?? "").contains("unknown tool"))
        XCTAssertTrue(((responses[3]?["error"] as? [String: Any])?["message"] as? String ?? "").contains("'code' must be a string"),
                      "\(responses[3] ?? [:])")
        let boom = responses[4]?["result"] as? [String: Any]
        XCTAssertEqual(boom?["isError"] as? Bool, true)
        XCTAssertTrue(((boom?["structuredContent"] as? [String: Any])?["error"] as? String ?? "").contains("boom"))
        let loop = responses[5]?["result"] as? [String: Any]
        XCTAssertEqual(loop?["isError"] as? Bool, true)
        XCTAssertEqual((loop?["structuredContent"] as? [String: Any])?["status"] as? String, "limit")
        XCTAssertNotNil(responses[6]?["result"], "the server stopped answering")
    }

    /// A dry run returns its plan with the destructive call and its id; the
    /// plan belongs to its session, so another server refuses its id.
    func testDryRunPlansAndPlansBelongToTheirSession() throws {
        let code = "local hc = helpcenter.help_centers.list()[1].id return helpcenter.labels.delete(hc, '1892000000190001')"
        let first = try converse(Self.initialize + [Self.call(2, "run_lua", ["code": code])], args: ["--allow", "helpcenter.labels.delete"])
        let plan = (((first.responses[2]?["result"] as? [String: Any])?["structuredContent"] as? [String: Any])?["plan"] as? [String: Any])
        XCTAssertEqual((plan?["destructive"] as? [[String: Any]])?.first?["operation"] as? String, "deleteLabel", "\(first.responses[2] ?? [:])")
        let second = try converse(Self.initialize + [Self.call(2, "apply_plan", ["plan_id": plan?["id"] as? String ?? "?"])],
                                  args: ["--allow", "helpcenter.labels.delete"])
        let refused = second.responses[2]?["result"] as? [String: Any]
        XCTAssertEqual(refused?["isError"] as? Bool, true)
        XCTAssertTrue(((refused?["structuredContent"] as? [String: Any])?["report"] as? String ?? "").contains("no plan"), "\(refused ?? [:])")
    }

    /// Requests that are not well formed get the error the specification
    /// names, with their id; lists take no cursor; templates are listed.
    func testMalformedRequestsGetTheirJSONRPCErrors() throws {
        let (responses, err, status) = try converse(Self.initialize + [
            ["jsonrpc": "2.0", "id": 2],
            ["jsonrpc": "2.0", "id": 3, "method": "tools/call"],
            ["jsonrpc": "2.0", "id": 4, "method": "tools/list", "params": ["cursor": "bogus"]],
            ["jsonrpc": "2.0", "id": 5, "method": "resources/templates/list"],
            ["jsonrpc": "2.0", "id": 6, "method": "ping"],
        ])
        XCTAssertEqual(status, 0, err)
        func code(_ id: Int) -> Int? { (responses[id]?["error"] as? [String: Any])?["code"] as? Int }
        XCTAssertEqual(code(2), -32600, "\(responses[2] ?? [:])")
        XCTAssertEqual(code(3), -32602, "\(responses[3] ?? [:])")
        XCTAssertEqual(code(4), -32602, "\(responses[4] ?? [:])")
        let templates = (responses[5]?["result"] as? [String: Any])?["resourceTemplates"] as? [[String: Any]] ?? []
        XCTAssertEqual(Set(templates.compactMap { $0["uriTemplate"] as? String }), ["zdsh://plans/{plan_id}", "zdsh://operations/{name}"])
        XCTAssertNotNil(responses[6]?["result"], "the server stopped answering")
    }

    func testMasterKeyGrantIsRefusedAtStart() throws {
        let (responses, err, status) = try converse(Self.initialize, args: ["--allow", "*"])
        XCTAssertEqual(status, 2)
        XCTAssertTrue(responses.isEmpty)
        XCTAssertTrue(err.contains("--allow-all-destructive"), err)
    }
}
