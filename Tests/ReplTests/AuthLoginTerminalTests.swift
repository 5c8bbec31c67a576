import Foundation
import TestSupport
import XCTest

/// `zdsh auth login` in a real terminal (tmux): every prompt gives up on
/// Ctrl-C (exit 130) and Ctrl-D (exit 1) with the terminal's echo restored,
/// and a login rehearsed against `zdsh sim serve` works end to end.
final class AuthLoginTerminalTests: XCTestCase {
    var home = ""

    override func setUpWithError() throws {
        try TmuxSession.requirements()
        home = NSTemporaryDirectory() + "zdsh-login-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: home)
    }

    private var store: String { home + "/config/zdsh/connections.sqlite" }

    /// The shell after zdsh reports its exit status and whether echo is on.
    private static let epilogue = "; echo status=$?; echo tty=$(stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\{0,1\\}echo')"

    private func login(_ flags: String) throws -> TmuxSession {
        try TmuxSession(stateHome: home + "/state", arguments: "--store '\(store)' --profile p \(flags)\(Self.epilogue)",
                        subcommand: "auth login")
    }

    func testEveryPromptAbortsOnCtrlCAndCtrlD() throws {
        let prompts = ["Data centre", "Client id:", "Client secret", "Grant code"]
        let answers = ["eu", "1000.CLIENT", "not-a-real-secret"]
        for (index, prompt) in prompts.enumerated() {
            for (key, name, status) in [("C-c", "Ctrl-C", 130), ("C-d", "Ctrl-D", 1)] {
                let t = try login("")
                t.waitFor("Generate Code")
                for (answer, question) in zip(answers.prefix(index), prompts) {
                    t.waitFor(question)
                    try t.line(answer)
                }
                t.waitFor(prompt)
                try t.type("half typed")
                try t.keys(key)
                let screen = t.waitFor("[exited]")
                XCTAssertTrue(screen.contains("auth login aborted (\(name)); nothing was stored"), "\(prompt) \(name):\n\(screen)")
                XCTAssertTrue(screen.contains("status=\(status)"), "\(prompt) \(name):\n\(screen)")
                XCTAssertTrue(screen.contains("tty=echo"), "echo restored after \(prompt) \(name):\n\(screen)")
                XCTAssertFalse(screen.contains("not-a-real-secret"), "secrets are not echoed")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: store), "nothing stored, not even an empty store")
    }

    /// Answers pasted in one go, ahead of the questions, are all taken.
    func testAnswersTypedAheadAreKept() throws {
        let t = try login("--accounts-url http://127.0.0.1:9 --api-url http://127.0.0.1:9")
        t.waitFor("Client id:")
        try t.type("1000.CLIENT\rnot-a-real-secret\r")
        let screen = t.waitFor("Grant code")
        XCTAssertFalse(screen.contains("required"), screen)
        try t.keys("C-c")
        t.waitFor("[exited]")
    }

    func testPromptSaysWhereTheGrantCodeComesFrom() throws {
        let t = try login("")
        let screen = t.waitFor("Data centre")
        XCTAssertTrue(screen.contains("API console"), screen)
        XCTAssertTrue(screen.contains("Self Client → Generate Code"), screen)
        XCTAssertTrue(screen.contains("Desk.tickets.ALL"), screen)
        try t.keys("C-c")
        t.waitFor("[exited]")
    }

    /// `zdsh sim serve` prints a grant code; `zdsh auth login` with
    /// --accounts-url/--api-url exchanges it (answers typed at the prompts);
    /// `zdsh run --profile` then reads from the served simulator.
    func testRehearsedLoginAgainstSimServeThenRun() throws {
        let server = try TmuxSession(stateHome: home + "/state", arguments: "--port 0", subcommand: "sim serve")
        let banner = server.waitFor("grant code:")
        let base = try XCTUnwrap(field(banner, after: "listening on "))
        let code = try XCTUnwrap(field(banner, after: "grant code:"))
        let clientLine = try XCTUnwrap(banner.split(separator: "\n").first { $0.contains("client:") })
        let parts = clientLine.split(separator: " ").map(String.init)
        let id = try XCTUnwrap(parts.first { $0.hasPrefix("1000.") })
        let secret = try XCTUnwrap(parts.firstIndex(of: "/").map { parts[$0 + 1] })
        XCTAssertTrue(banner.contains("Rehearse login: zdsh auth login"), banner)

        let t = try login("--accounts-url \(base) --api-url \(base)")
        let intro = t.waitFor("Client id:")
        XCTAssertTrue(intro.contains("zdsh sim serve"), "the rehearsal hint is shown:\n\(intro)")
        XCTAssertFalse(intro.contains("Data centre ["), "no data centre question when both hosts are given")
        try t.line(id)
        t.waitFor("Client secret")
        try t.line(secret)
        t.waitFor("Grant code")
        try t.line(code)
        let done = t.waitFor("[exited]", timeout: 30)
        XCTAssertTrue(done.contains("Logged in."), done)
        XCTAssertTrue(done.contains("status=0"), done)
        XCTAssertFalse(done.contains(code), "the grant code is read without echo")

        let runbook = home + "/count.lua"
        try "return #desk.tickets.list({limit = 3})".write(toFile: runbook, atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ZOHO_") && !$0.key.hasPrefix("ZDSH_") }
        env["HOME"] = home
        env["XDG_CONFIG_HOME"] = home + "/config"
        env["XDG_STATE_HOME"] = home + "/state"
        let run = try ChildProcess.run(TmuxSession.zdsh, ["run", runbook, "--profile", "p"], environment: env, timeout: 60)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.contains("3"), run.out)
        try server.keys("C-c")
    }

    private func field(_ screen: String, after marker: String) -> String? {
        guard let line = screen.split(separator: "\n").first(where: { $0.contains(marker) }),
              let range = line.range(of: marker) else { return nil }
        return line[range.upperBound...].split(separator: " ").first.map(String.init)
    }
}
