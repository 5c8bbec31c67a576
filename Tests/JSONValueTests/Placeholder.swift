import XCTest
final class JSONValueTestsPlaceholder: XCTestCase { func testPlaceholder() {} }
