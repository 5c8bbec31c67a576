import JSONValue
import LuaHost
import XCTest

/// Returned values JSON has no form for are shown as Lua would write them
/// (`LuaDisplay`), not as the bare word `table`.
final class LuaDisplayTests: XCTestCase {
    func shown(_ code: String, file: StaticString = #filePath, line: UInt = #line) throws -> String? {
        let h = try Harness()
        guard case .success(let values) = h.run(code) else { XCTFail("\(h.run(code))", file: file, line: line); return nil }
        guard case .opaque(let text)? = values.first else { XCTFail("JSON after all: \(values)", file: file, line: line); return nil }
        return text
    }

    func testSparseTablesShowTheirHoles() throws {
        XCTAssertEqual(try shown(#"return {errs = {[3] = "boom"}}"#), #"{errs = {[3] = "boom"}}"#)
        XCTAssertEqual(try shown("return {1, 2, nil, 4}"), "{1, 2, [4] = 4}")
        XCTAssertEqual(try shown(#"return {1, 2, x = "y"}"#), #"{1, 2, x = "y"}"#)
    }

    func testWhatDeskEachReturnsForErrors() throws {
        let text = try shown(#"local r, e = {}, {} e[2] = {code = "NOT_FOUND"} return e"#)
        XCTAssertEqual(text, #"{[2] = {code = "NOT_FOUND"}}"#)
    }

    func testFunctionsCyclesNullsAndOddKeys() throws {
        XCTAssertEqual(try shown("return {f = print}"), "{f = function}")
        XCTAssertEqual(try shown("local t = {} t.self = t return t"), "{self = <cycle>}")
        XCTAssertEqual(try shown("return {print, json.null, true, 1.5}"), "{function, json.null, true, 1.5}")
        XCTAssertEqual(try shown(#"return {[true] = 1, ["not id"] = 2, [1.5] = 3, ["end"] = 4, ok = 5}"#),
                       #"{ok = 5, ["end"] = 4, ["not id"] = 2, [1.5] = 3, [true] = 1}"#)
        XCTAssertEqual(try shown("return {x = 1/0, y = -1/0, z = 2.0, [1] = 0/0}"), "{0/0, x = math.huge, y = -math.huge, z = 2.0}")
    }

    func testStringsAreEscapedLiterals() throws {
        XCTAssertEqual(try shown(#"return {[5] = "a\"b\\c\n\27[31m\226\128\174"}"#), #"{[5] = "a\"b\\c\n\x1B[31m\u{202E}"}"#)
        XCTAssertEqual(try shown(#"return {[2] = "\255ok"}"#), #"{[2] = "\xFFok"}"#)
    }

    func testLongTablesSpreadOverLinesAndDeepOnesAreCut() throws {
        let text = try XCTUnwrap(try shown("local t = {} for i = 1, 30 do t[i * 2] = 'item' .. i end return t"))
        XCTAssertTrue(text.hasPrefix("{\n  [2] = \"item1\",\n"), text)
        XCTAssertTrue(text.hasSuffix("\n}"), text)
        let deep = try XCTUnwrap(try shown("local t = {f = print} for i = 1, 50 do t = {t} end return t"))
        XCTAssertTrue(deep.contains("{…}"), deep)
    }
}
