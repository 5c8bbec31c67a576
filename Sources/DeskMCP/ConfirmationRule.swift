import DeskCatalog
import DeskGate
import Foundation
import ShellCore

/// `--confirm`: which plans a human must confirm (through the client's
/// elicitation) before they are sent. A comma-separated list of
///   destructive   plans with a destructive call (always on: it cannot be switched off)
///   notify        plans with a customer-facing call (a reply or e-mail sent to a customer)
///   writes        plans with any write
///   writes>N      plans whose writes affect more than N records
///   all           destructive,notify,writes
/// The default, `destructive,notify,writes>10`, matches the command line,
/// which asks before writes above 10 records.
package struct ConfirmationRule: Sendable, Equatable {
    package var notify = true
    /// Writes affecting more than this many records need a confirmation (nil: never).
    package var writesAbove: Int? = 10

    package static let standard = ConfirmationRule()
    package static let syntax = "destructive, notify, writes, writes>N or all, comma-separated (destructive is always on)"

    package init() {}

    /// Parses the operator's `--confirm` value.
    package init(parsing text: String) throws {
        notify = false; writesAbove = nil
        for raw in text.split(separator: ",") {
            let item = raw.trimmingCharacters(in: .whitespaces).lowercased()
            switch item {
            case "destructive": break
            case "notify": notify = true
            case "writes": writesAbove = 0
            case "all": notify = true; writesAbove = 0
            case "none", "off", "no", "never":
                throw UsageError("--confirm \(text): confirmation of destructive calls cannot be switched off (use one of: \(Self.syntax))")
            default:
                guard item.hasPrefix("writes>"), let n = Int(item.dropFirst(7)), n >= 0 else {
                    throw UsageError("--confirm: unknown item '\(item)' (expected \(Self.syntax))")
                }
                writesAbove = min(writesAbove ?? n, n)
            }
        }
    }

    /// What a plan holds that the rule looks at.
    struct Facts: Sendable {
        var destructive = false
        var notify = false
        var writeRecords = 0

        init(calls: [CallRecord]) {
            for c in calls {
                if c.safety == .destructive { destructive = true }
                // The catalog's notify class (and notify effect rules), as the gate classed the call.
                if c.safety != .read && c.notifies { notify = true }
                if c.safety == .write { writeRecords += c.records ?? 1 }
            }
        }
    }

    /// Why this plan needs a human's confirmation; nil when it does not.
    func reason(for facts: Facts) -> String? {
        if facts.destructive { return "it contains destructive calls" }
        if notify && facts.notify { return "it sends messages to customers" }
        if let n = writesAbove, facts.writeRecords > n {
            return n == 0 ? "the operator confirms every write" : "its writes affect \(facts.writeRecords) records (more than \(n))"
        }
        return nil
    }

    package var described: String {
        var parts = ["destructive"]
        if notify { parts.append("notify") }
        if let n = writesAbove { parts.append(n == 0 ? "writes" : "writes>\(n)") }
        return parts.joined(separator: ",")
    }
}
