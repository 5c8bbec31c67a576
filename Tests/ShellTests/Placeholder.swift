import XCTest
final class ShellTestsPlaceholder: XCTestCase { func testPlaceholder() {} }
