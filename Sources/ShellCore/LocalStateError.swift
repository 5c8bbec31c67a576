import Foundation
import JSONValue
import LuaHost

/// zdsh's own files — the audit log, the journal, the run registry, the
/// token store — could not be written (a full or read-only disk, a missing
/// folder). A mutating call whose audit intent or in-flight mark cannot be
/// written is not sent: without them nobody could tell afterwards what was
/// done, and `--resume` could repeat it. Exit status 7.
package struct LocalStateError: Error, LuaRaisable, CustomStringConvertible, Sendable {
    /// What could not be written ("the journal's in-flight mark", "audit log /path").
    package let what: String
    /// The system's reason (strerror, SQLite's message).
    package let reason: String

    package init(_ what: String, reason: String) {
        self.what = what
        self.reason = reason
    }

    package init(_ what: String, _ error: Error) {
        self.init(what, reason: "\(error)")
    }

    package var description: String {
        "local state cannot be written: \(what): \(Terminal.visible(reason)); free space or fix the state folder ($XDG_STATE_HOME/zdsh)"
    }

    package var luaErrorValue: JSON {
        ["code": "LOCAL_STATE", "message": .string(description), "_text": .string(description), "zdsh_error": "state"]
    }
}
