import JSONValue
import LuaHost
import XCTest

/// The Lua ⇄ JSON rules documented on `LuaJSON`.
final class ValueTests: XCTestCase {
    func testArraysObjectsAndEmptyTables() throws {
        let h = try Harness()
        XCTAssertEqual(h.value("return json.encode({1, 'two', true})"), "[1,\"two\",true]")
        XCTAssertEqual(h.value("return json.encode({b = 1, a = 2})"), "{\"a\":2,\"b\":1}")
        XCTAssertEqual(h.value("return json.encode({})"), "{}")
        XCTAssertEqual(h.value("return json.encode(json.array{})"), "[]")
        XCTAssertEqual(h.value("return json.encode({ids = json.array()})"), "{\"ids\":[]}")
    }

    func testEmptyArraysFromJSONStayArrays() throws {
        let h = try Harness()
        XCTAssertEqual(h.value("return json.encode(json.decode('{\"a\":[],\"b\":{}}'))"), "{\"a\":[],\"b\":{}}")
        // The shared array marker cannot be tampered with.
        XCTAssertEqual(h.value("return getmetatable(json.decode('[]'))"), "json.array")
    }

    func testIntegersStayExact() throws {
        let h = try Harness()
        XCTAssertEqual(h.value("return math.maxinteger"), .int(Int64.max))
        XCTAssertEqual(h.value("return math.mininteger"), .int(Int64.min))
        XCTAssertEqual(h.value("return json.decode('9223372036854775807') == math.maxinteger"), true)
        XCTAssertEqual(h.value("return math.type(json.decode('1'))"), "integer")
        XCTAssertEqual(h.value("return math.type(json.decode('1.0'))"), "float")
        XCTAssertEqual(h.value("return 2^53"), .double(9007199254740992))
    }

    func testNullSentinel() throws {
        let h = try Harness()
        XCTAssertEqual(h.value("return json.encode({a = json.null})"), "{\"a\":null}")
        XCTAssertEqual(h.value("local t = json.decode('[1,null,3]') return #t == 3 and t[2] == json.null"), true)
        XCTAssertEqual(h.value("return json.decode('{\"a\":null}').a == nil"), true)
        XCTAssertEqual(h.value("return tostring(json.null)"), "null")
    }

    func testRejectedValuesNameThePath() throws {
        let h = try Harness()
        let cases: [(String, String)] = [
            ("json.encode({x = 0/0})", "NaN cannot be represented in JSON (at x)"),
            ("json.encode({x = {y = math.huge}})", "infinity cannot be represented in JSON (at x.y)"),
            ("json.encode({s = '\\xff'})", "string is not valid UTF-8 (at s)"),
            ("json.encode({1, 2, x = 3})", "table mixes array items and named fields"),
            ("json.encode({[1] = 1, [3] = 3})", "array is sparse or does not start at 1"),
            ("json.encode({[1.5] = 1})", "JSON keys must be strings"),
            ("json.encode({f = print})", "cannot convert a function to JSON (at f)"),
            ("local t = {} t.self = t json.encode(t)", "cyclic table (at self)"),
            ("local t = {} local c = t for i = 1, 200 do c.n = {} c = c.n end json.encode(t)", "nesting deeper than 100 levels"),
        ]
        for (code, expected) in cases {
            guard case .runtime(let m, _, _)? = h.error(code) else { XCTFail(code); continue }
            XCTAssertTrue(m.contains(expected), "\(code): \(m)")
            XCTAssertTrue(m.contains("bad argument #1 to 'json_encode'"), m)
        }
    }

    func testSharedSubtablesAreNotCycles() throws {
        let h = try Harness()
        XCTAssertEqual(h.value("local s = {1} return json.encode({a = s, b = s})"), "{\"a\":[1],\"b\":[1]}")
    }

    func testDecodeErrorsAreClear() throws {
        let h = try Harness()
        guard case .runtime(let m, _, _)? = h.error("json.decode('{\"a\":')") else { return XCTFail() }
        XCTAssertTrue(m.contains("invalid JSON at byte 5"), m)
    }

    func testHugeStringsRoundTrip() throws {
        let h = try Harness()
        XCTAssertEqual(h.value("local s = string.rep('é', 100000) return #json.decode(json.encode(s))"), 200000)
    }
}
