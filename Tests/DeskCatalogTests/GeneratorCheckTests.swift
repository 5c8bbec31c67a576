import Foundation
import TestSupport
import XCTest

/// The committed generated files must be exactly what scripts/gen-catalog produces
/// from Zoho's spec, the safety review, the effect rules and the friendly-name table.
final class GeneratorCheckTests: XCTestCase {
    func testGeneratedFilesAreUpToDate() throws {
        let (root, _) = try generatorAndSpec()
        let r = try ChildProcess.run("/usr/bin/env", ["python3", root.appendingPathComponent("scripts/gen-catalog").path, "--check"],
                                     directory: root.path)
        XCTAssertEqual(r.status, 0, "gen-catalog --check failed:\n\(r.out)\(r.err)")
    }

    /// A rule that names nothing real would protect nothing: the generator refuses
    /// it, says which row and why, and writes nothing.
    func testBadEffectRulesAreRejectedWithTheRowAndTheReason() throws {
        let (root, _) = try generatorAndSpec()
        let rows = [
            "rule\toperationId\tcondition\tsafety\treach\treason",
            "typo-field\tupdateAgent\tbody.statuz in DISABLED\tdestructive\t-\tdisables",
            "no-such-op\tnoSuchOperation\tbody.status in DISABLED\tdestructive\t-\tdisables",
            "typo-value\tupdateAgent\tbody.status in DISABLE\tdestructive\t-\tdisables",
            "bad-test\tupdateAgent\tbody.status = yes\tdestructive\t-\tdisables",
            "no-change\tdeleteTicket\tbody.ticketIds present\tdestructive\t-\tdeletes",
            "no-reason\tupdateAgent\tbody.status in DISABLED\tdestructive\t-\t",
        ]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zdsh-bad-rules-\(getpid()).tsv")
        try (rows.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = root.appendingPathComponent("scripts/gen-catalog").path
        for mode in [["--check"], []] {
            let r = try ChildProcess.run("/usr/bin/env", ["python3", script, "--effect-rules", file.path] + mode,
                                         directory: root.path)
            XCTAssertEqual(r.status, 1, "\(mode): \(r.out)\(r.err)")
            for expected in [":2: updateAgent has no body.statuz", ":3: operation 'noSuchOperation' is not in the spec",
                             ":4: body.status takes ACTIVE, DISABLED; not DISABLE", ":5: 'body.status = yes': condition must be",
                             ":6: deleteTicket is already destructive", ":7: a reviewed reason is required"] {
                XCTAssertTrue(r.err.contains(expected), "\(mode) lacks \(expected):\n\(r.err)")
            }
        }
        XCTAssertTrue(try ChildProcess.run("/usr/bin/env", ["python3", script, "--check"], directory: root.path).status == 0,
                      "a refused rules file must leave the generated files alone")
    }

    private func generatorAndSpec() throws -> (URL, URL) {
        guard let root = RepoPaths.root else { throw XCTSkip("scripts/gen-catalog not found from \(#filePath)") }
        guard let spec = RepoPaths.specDirectory else {
            throw XCTSkip("../shared/zoho-desk-oas is absent; cannot regenerate the catalog here")
        }
        return (root, spec)
    }
}
