import DeskGate
import Foundation
import ShellCore
import XCTest

/// `RunbookSpec.looksLikeRunbook` scans for `(^|[^A-Za-z0-9_.])runbook\s*[{(]`
/// by hand (a compiled regular expression cost 2 ms of every run's start):
/// it must answer as that expression does.
final class RunbookDetectionTests: XCTestCase {
    private let pattern = try! NSRegularExpression(pattern: #"(^|[^A-Za-z0-9_.])runbook\s*[{(]"#)

    private func expected(_ text: String) -> Bool {
        pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    func testKnownForms() {
        let yes = ["runbook{", "return runbook {", "runbook(", "local r = runbook\n\t{", "x = 1;runbook{}", "(runbook{})", "-- runbook{"]
        let no = ["", "runbook", "x.runbook{", "myrunbook{", "runbooks{", "runbook = 1", "run_book{", "_runbook{", "runbook.x{", "9runbook("]
        for text in yes { XCTAssertTrue(RunbookSpec.looksLikeRunbook(Array(text.utf8)), text) }
        for text in no { XCTAssertFalse(RunbookSpec.looksLikeRunbook(Array(text.utf8)), text) }
    }

    /// Random texts built from the pieces that matter answer as the expression does.
    func testAgreesWithTheExpression() {
        let pieces = ["runbook", "run", "book", " ", "\n", "\t", "{", "(", ".", "_", "a", "Z", "9", "=", "-", "é", "\r", "\u{0B}", "\u{0C}"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            XCTAssertEqual(RunbookSpec.looksLikeRunbook(Array(text.utf8)), expected(text), text.debugDescription)
        }
    }
}
