import XCTest
final class LuaHostTestsPlaceholder: XCTestCase { func testPlaceholder() {} }
