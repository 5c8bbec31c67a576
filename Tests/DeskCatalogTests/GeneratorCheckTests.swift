import Foundation
import XCTest

/// The committed generated files must be exactly what scripts/gen-catalog produces
/// from Zoho's spec, the safety review and the friendly-name table.
final class GeneratorCheckTests: XCTestCase {
    func testGeneratedFilesAreUpToDate() throws {
        guard let root = RepoPaths.root else { throw XCTSkip("scripts/gen-catalog not found from \(#filePath)") }
        guard RepoPaths.specDirectory != nil else {
            throw XCTSkip("../shared/zoho-desk-oas is absent; cannot regenerate the catalog here")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/gen-catalog").path, "--check"]
        process.currentDirectoryURL = root
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, "gen-catalog --check failed:\n\(text)")
    }
}
