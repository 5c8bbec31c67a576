import Foundation
import TestSupport
import XCTest

/// Drives `zdsh repl` in a real terminal: a detached tmux session, keys sent
/// with `send-keys`, the screen read with `capture-pane -p`.
final class TmuxSession {
    static let packageRoot = ZdshBinary.packageRoot
    static let zdsh = ZdshBinary.path

    static var tmux: String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/tmux"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Skips the test when tmux is missing; fails it when the built binary is.
    static func requirements() throws {
        guard tmux != nil else { throw XCTSkip("tmux is not installed; the terminal tests need it") }
        _ = try ZdshBinary.required()
    }

    let name: String
    let stateHome: String

    /// Starts `zdsh repl --sim` with XDG_STATE_HOME at `stateHome`. The pane
    /// stays open after zdsh exits (so the last screen can be read).
    /// `environment` adds variables (TERM stays xterm unless it names another).
    init(stateHome: String, arguments: String = "--sim", subcommand: String = "repl", environment: [String: String] = [:]) throws {
        name = "zdsh-repl-\(UUID().uuidString.prefix(8))"
        self.stateHome = stateHome
        let extra = environment.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        // Variables the tmux server may have picked up from whoever started
        // it (NO_COLOR, PAGER) are cleared when a test sets its own.
        let clear = environment.isEmpty ? "" : "-u NO_COLOR -u PAGER -u ZDSH_PAGER -u LESS "
        let command = "env \(clear)XDG_STATE_HOME='\(stateHome)' TERM=xterm \(extra) '\(Self.zdsh)' \(subcommand) \(arguments); echo '[exited]'; sleep 60"
        // When the previous test killed the last session, its tmux server may
        // be exiting just as this one connects ("server exited unexpectedly"):
        // a new server then starts on the next try.
        var attempt = 0
        while true {
            do {
                try Self.run(["new-session", "-d", "-s", name, "-x", "120", "-y", "40", command])
                return
            } catch let e as TmuxError where e.message.contains("server exited unexpectedly") && attempt < 3 {
                attempt += 1
                usleep(200_000)
            }
        }
    }

    deinit { _ = try? Self.run(["kill-session", "-t", name]) }

    @discardableResult
    static func run(_ args: [String]) throws -> String {
        // tmux's first command forks the server, which keeps inherited
        // descriptors: ChildProcess reaps by pid, so that cannot stall us.
        let r = try ChildProcess.run(tmux ?? "/usr/bin/tmux", args, timeout: 30)
        if r.status != 0 {
            throw TmuxError(message: "tmux \(args.joined(separator: " ")): \(r.err)")
        }
        return r.out
    }

    /// Types `text` literally (tmux would read "end" as the End key otherwise).
    func type(_ text: String) throws { try Self.run(["send-keys", "-t", name, "-l", text]) }

    /// Sends key names: "Enter", "Tab", "C-c", "C-d", "Up", "C-r".
    func keys(_ names: String...) throws { try Self.run(["send-keys", "-t", name] + names) }

    func line(_ text: String) throws { try type(text); try keys("Enter") }

    var screen: String {
        do { return try Self.run(["capture-pane", "-p", "-t", name]) } catch { return "\(error)" }
    }

    /// The screen with its colours, as SGR escapes.
    var colouredScreen: String {
        do { return try Self.run(["capture-pane", "-e", "-p", "-t", name]) } catch { return "\(error)" }
    }

    /// Waits until the screen satisfies `check`, failing after `timeout`.
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 15, file: StaticString = #filePath, line: UInt = #line,
                 _ check: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var s = screen
        while !check(s) {
            if Date() > deadline {
                XCTFail("timed out waiting for \(what); screen:\n\(s)", file: file, line: line)
                return s
            }
            Thread.sleep(forTimeInterval: 0.1)
            s = screen
        }
        return s
    }

    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 15, file: StaticString = #filePath, line: UInt = #line) -> String {
        waitFor("\"\(text)\"", timeout: timeout, file: file, line: line) { $0.contains(text) }
    }

    /// Number of times `text` occurs on screen.
    func count(_ text: String) -> Int { screen.components(separatedBy: text).count - 1 }
}

struct TmuxError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
