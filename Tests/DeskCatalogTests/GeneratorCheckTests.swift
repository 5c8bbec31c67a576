import Foundation
import TestSupport
import XCTest

/// The committed generated files must be exactly what scripts/gen-catalog produces
/// from Zoho's spec, the safety review and the friendly-name table.
final class GeneratorCheckTests: XCTestCase {
    func testGeneratedFilesAreUpToDate() throws {
        guard let root = RepoPaths.root else { throw XCTSkip("scripts/gen-catalog not found from \(#filePath)") }
        guard RepoPaths.specDirectory != nil else {
            throw XCTSkip("../shared/zoho-desk-oas is absent; cannot regenerate the catalog here")
        }
        let r = try ChildProcess.run("/usr/bin/env", ["python3", root.appendingPathComponent("scripts/gen-catalog").path, "--check"],
                                     directory: root.path)
        XCTAssertEqual(r.status, 0, "gen-catalog --check failed:\n\(r.out)\(r.err)")
    }
}
