import XCTest
final class DeskCatalogTestsPlaceholder: XCTestCase { func testPlaceholder() {} }
