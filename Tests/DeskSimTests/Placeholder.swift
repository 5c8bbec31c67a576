import XCTest
final class DeskSimTestsPlaceholder: XCTestCase { func testPlaceholder() {} }
