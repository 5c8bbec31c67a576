import Foundation
import XCTest

/// Tests that drive `zdsh repl --sim` in a real terminal (tmux), each with a
/// state folder of its own.
class ReplTerminalTestCase: XCTestCase {
    var stateHome = ""

    override func setUpWithError() throws {
        try TmuxSession.requirements()
        stateHome = NSTemporaryDirectory() + "zdsh-repl-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: stateHome, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: stateHome)
    }

    /// A REPL in a fresh tmux session, at its first prompt.
    func start() throws -> TmuxSession {
        let t = try TmuxSession(stateHome: stateHome)
        t.waitFor("zdsh>")
        return t
    }

    /// Waits until the screen ends with `prompt`.
    func waitForPrompt(_ t: TmuxSession, _ prompt: String = "zdsh>") {
        t.waitFor("the prompt \(prompt)") { $0.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix(prompt) }
    }
}
