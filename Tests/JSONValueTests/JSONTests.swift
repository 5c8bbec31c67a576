import JSONValue
import XCTest

final class JSONTests: XCTestCase {
    func testRoundTrip() throws {
        let text = #"{"a":[1,2.5,"x",true,null],"b":{"c":-9223372036854775808},"d":"\u00e9\n\"q\""}"#
        let value = try JSON.parse(text)
        XCTAssertEqual(value["b"]?["c"], .int(Int64.min))
        XCTAssertEqual(try JSON.parse(value.encoded()), value)
        XCTAssertEqual(value["d"], .string("é\n\"q\""))
    }

    func testNumbers() throws {
        XCTAssertEqual(try JSON.parse("12"), .int(12))
        XCTAssertEqual(try JSON.parse("1.0"), .double(1))
        XCTAssertEqual(try JSON.parse("1e3"), .double(1000))
        XCTAssertEqual(try JSON.parse("123456789012345678901234567890"), .double(1.2345678901234568e29))
        XCTAssertEqual(JSON.double(2).encoded(), "2.0")
        // Integers are read digit by digit; the Int64 edges stay exact.
        XCTAssertEqual(try JSON.parse("9223372036854775807"), .int(.max))
        XCTAssertEqual(try JSON.parse("-9223372036854775808"), .int(.min))
        XCTAssertEqual(try JSON.parse("9223372036854775808"), .double(9223372036854775808))
        XCTAssertEqual(try JSON.parse("-9223372036854775809"), .double(-9.223372036854775809e18))
        XCTAssertEqual(try JSON.parse("-0"), .int(0))
        XCTAssertEqual(try JSON.parse("[0,-7,1892000000190001]"), .array([.int(0), .int(-7), .int(1892000000190001)]))
    }

    func testSurrogatePairs() throws {
        XCTAssertEqual(try JSON.parse(#""\ud83d\ude00""#), .string("😀"))
        XCTAssertThrowsError(try JSON.parse(#""\ud83d""#))
    }

    func testRejectsBadInput() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\u{01}\"", "tru", "[1] x", "\"\\x\""] {
            XCTAssertThrowsError(try JSON.parse(bad), bad)
        }
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        XCTAssertThrowsError(try JSON.parse(deep)) { error in
            XCTAssertTrue("\(error)".contains("nesting deeper than 200"))
        }
    }

    func testInvalidUTF8IsRejected() {
        XCTAssertThrowsError(try JSON.parse([0x22, 0xFF, 0x22]))
    }

    func testStringsAreEscapedOnlyWhereNeeded() {
        XCTAssertEqual(JSON.string("plain é ✓ 1892000000190001").encoded(), "\"plain é ✓ 1892000000190001\"")
        XCTAssertEqual(JSON.string("q\"b\\n\nt\tc\u{01}").encoded(), #""q\"b\\n\nt\tc\u0001""#)
        XCTAssertEqual(JSON.string("a\u{2028}b\u{2029}c – d").encoded(), #""a\u2028b\u2029c – d""#)
        for text in ["", "x", "ünïcödé", "\u{7F}", "tab\there", "– en dash"] {
            XCTAssertEqual(try JSON.parse(JSON.string(text).encoded()), .string(text))
        }
    }

    func testEncodingIsDeterministic() {
        let v: JSON = ["b": 1, "a": ["z": 1, "y": 2]]
        XCTAssertEqual(v.encoded(), #"{"a":{"y":2,"z":1},"b":1}"#)
    }
}
