import DeskCatalog
import Foundation

/// Colour on a terminal, for what people scan for: safety classes
/// (destructive red, write yellow, read green) and outcomes (sent and
/// complete green, denied and failed red, planned and dry runs cyan).
///
/// Off unless the text goes to a terminal, and off under `NO_COLOR` (any
/// value, no-color.org) or `TERM=dumb`; `--color always|never` overrides
/// all of that. Colour wraps text zdsh already escaped, so it never lets a
/// byte from a runbook or the API reach the terminal as a command.
package struct Colour: Sendable {
    package enum Mode: String, Sendable, CaseIterable {
        case auto, always, never
    }

    package let enabled: Bool

    package init(enabled: Bool) { self.enabled = enabled }

    /// The choice for output on `fd` under `mode` and `environment`.
    package init(mode: Mode, fd: Int32 = STDOUT_FILENO, environment: [String: String] = ProcessInfo.processInfo.environment) {
        switch mode {
        case .always: enabled = true
        case .never: enabled = false
        case .auto: enabled = Self.auto(isTerminal: isatty(fd) != 0, environment: environment)
        }
    }

    static func auto(isTerminal: Bool, environment: [String: String]) -> Bool {
        guard isTerminal, environment["NO_COLOR"] == nil else { return false }
        return environment["TERM"] != "dumb"
    }

    /// `text` in SGR colour `code`, reset after.
    package func paint(_ text: String, _ code: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    package func safety(_ text: String, _ safety: Safety) -> String {
        switch safety {
        case .destructive: return paint(text, "1;31")
        case .write: return paint(text, "33")
        default: return paint(text, "32")
        }
    }

    /// Outcomes and states by their words: `sent`, `complete` green;
    /// `denied`, `failed`, `declined` red; `planned`, `dry run` cyan;
    /// `interrupted`, `intent` yellow.
    package func outcome(_ text: String) -> String {
        switch text.trimmingCharacters(in: .whitespaces) {
        case "sent", "complete", "ok", "outcome", "passed": return paint(text, "32")
        case "denied", "failed", "declined", "invalid", "error": return paint(text, "31")
        case "planned", "dry run", "dry_run": return paint(text, "36")
        case "interrupted", "intent", "running", "skipped": return paint(text, "33")
        default: return text
        }
    }
}
