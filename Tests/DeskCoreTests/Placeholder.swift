import XCTest
final class DeskCoreTestsPlaceholder: XCTestCase { func testPlaceholder() {} }
