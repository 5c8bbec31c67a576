import Foundation
import JSONValue
import LuaHost

/// The progress line `desk.each` / `desk.parallel` draw on stderr while bulk
/// work runs: `desk.each ▕███████░░░░░▏ 1234/2000  3 failed  412/s  ETA 2s`.
///
/// Drawn only when stderr is a terminal (never into a pipe, a log file or
/// CI output), without colour when NO_COLOR is set (https://no-color.org)
/// or TERM is "dumb", redrawn at most every `interval` so a fast loop does
/// not spend its time writing escape codes, and erased when the work ends
/// so the run's own output stays clean. ZDSH_NO_PROGRESS=1 turns it off.
package final class ProgressBar {
    package struct Style: Equatable, Sendable {
        package var color: Bool
        /// Columns of the whole line.
        package var width: Int
        /// Below this many items nothing is drawn (a handful of calls finish
        /// before a bar could help).
        package var minimumItems: Int
        package init(color: Bool = true, width: Int = 80, minimumItems: Int = 20) {
            self.color = color; self.width = width; self.minimumItems = minimumItems
        }
    }

    package let style: Style
    private let write: (String) -> Void
    private let now: () -> Date
    private let interval: TimeInterval
    private var started: Date?
    private var lastDraw: Date?
    private var drawn = false

    package init(style: Style, interval: TimeInterval = 0.1, now: @escaping () -> Date = Date.init,
                write: @escaping (String) -> Void) {
        self.style = style; self.interval = interval; self.now = now; self.write = write
    }

    /// A bar on this process's stderr, or nil when stderr is not a terminal
    /// or progress is turned off.
    package static func standardError(environment: [String: String] = ProcessInfo.processInfo.environment) -> ProgressBar? {
        guard let style = style(isTerminal: isatty(STDERR_FILENO) != 0, environment: environment,
                                columns: terminalColumns()) else { return nil }
        return ProgressBar(style: style) { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// The style for a stream, or nil when nothing should be drawn on it.
    package static func style(isTerminal: Bool, environment: [String: String], columns: Int?) -> Style? {
        guard isTerminal, environment["ZDSH_NO_PROGRESS"].map({ $0.isEmpty || $0 == "0" }) ?? true else { return nil }
        let term = environment["TERM"] ?? ""
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return Style(color: !noColor && term != "dumb", width: max(40, min(columns ?? 80, 120)))
    }

    private static func terminalColumns() -> Int? {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Reports `done` of `total` items finished, `failed` of them with an error.
    package func update(label: String, done: Int, total: Int, failed: Int) {
        guard total >= style.minimumItems else { return }
        let t = now()
        if started == nil { started = t }
        if done >= total {
            finish()
            return
        }
        if let last = lastDraw, t.timeIntervalSince(last) < interval { return }
        lastDraw = t
        drawn = true
        write("\r" + line(label: label, done: done, total: total, failed: failed, elapsed: t.timeIntervalSince(started!)) + "\u{1B}[K")
    }

    /// Erases the bar (the work ended, or the run stopped).
    package func finish() {
        if drawn { write("\r\u{1B}[K") }
        drawn = false
        started = nil
        lastDraw = nil
    }

    /// One frame of the bar, without the carriage return.
    func line(label: String, done: Int, total: Int, failed: Int, elapsed: TimeInterval) -> String {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var tail = " \(done)/\(total)"
        if failed > 0 { tail += "  \(failed) failed" }
        if rate > 0 {
            tail += "  \(Int(rate.rounded()))/s"
            tail += "  ETA \(Self.duration(Double(total - done) / rate))"
        }
        let head = Terminal.visible(label) + " "  // the runbook's label: nothing the terminal obeys
        let cells = max(10, style.width - head.count - tail.count - 3)
        let filled = total > 0 ? min(cells, cells * done / total) : 0
        var bar = String(repeating: "█", count: filled) + String(repeating: "░", count: cells - filled)
        if style.color {
            bar = "\u{1B}[32m" + String(repeating: "█", count: filled) + "\u{1B}[2m"
                + String(repeating: "░", count: cells - filled) + "\u{1B}[0m"
            if failed > 0 { tail = tail.replacingOccurrences(of: "\(failed) failed", with: "\u{1B}[31m\(failed) failed\u{1B}[0m") }
        }
        return head + "▕" + bar + "▏" + tail
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m"
    }

    /// The `progress(label, done, total, failed)` host function the `desk`
    /// library calls after each item (installed as `H.progress`). It only
    /// draws; it never fails the caller's work.
    package static func hostFunction(_ bar: ProgressBar?) -> HostFunction {
        { call in
            guard let bar else { return .none }
            let label = (try? call.string(1)) ?? "desk.each"
            let done = Int((try? call.integer(2)) ?? 0)
            let total = Int((try? call.integer(3)) ?? 0)
            let failed = Int((try? call.integer(4)) ?? 0)
            bar.update(label: label, done: done, total: total, failed: failed)
            return .none
        }
    }
}
