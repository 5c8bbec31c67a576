import DeskGate
import Foundation
import ShellCore

/// Held while a plan is applied, so a plan applies once even when two
/// applies of it start at the same time — two `zdsh apply` processes, or
/// two `apply_plan` calls of one MCP server. Apply takes it before it reads
/// the journal's "already applied" mark and keeps it until its last call is
/// journalled, so the check and the sends are one step to everyone else.
///
/// Why an flock on a file per plan, not a transaction in the journal's
/// SQLite database: a write transaction held across network calls would
/// stall every other run's journal writes (one database for all runs, with
/// a 10 s busy timeout) and the apply's own journal writes, which go
/// through a second connection; and it would hold up unrelated plans. An
/// flock is per plan, taken without waiting, released by the kernel when
/// the process ends however it ends (no stale lock after kill -9), and it
/// excludes separate opens of the file inside one process too (the MCP
/// server's concurrent calls), which POSIX record locks (fcntl) do not.
package final class PlanLock: Sendable {
    private let fd: Int32
    package let path: String

    /// Who holds the lock when it is taken: the pid written by its holder.
    package struct Held: Error, CustomStringConvertible {
        package let holder: String?
        package var description: String {
            // The same pid: another call of this process (the MCP server's) holds it.
            if holder == String(getpid()) { return "another apply_plan call of this server is applying this plan right now" }
            return "another zdsh\(holder.map { " (pid \($0))" } ?? "") is applying this plan right now"
        }
    }

    /// `$XDG_STATE_HOME/zdsh/locks/plan-ID.lock`, beside the journal.
    package static func path(planId: String, journal: String = Journal.defaultPath()) -> String {
        let state = (journal as NSString).deletingLastPathComponent as NSString
        return (state.appendingPathComponent("locks") as NSString).appendingPathComponent("plan-\(planId).lock")
    }

    /// Takes the lock of `planId` or throws `Held` at once (no waiting: a
    /// second apply of the same plan has nothing to do but say so).
    package init(planId: String, journal: String = Journal.defaultPath()) throws {
        path = Self.path(planId: planId, journal: journal)
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch { throw LocalStateError("plan lock folder", error) }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LocalStateError("plan lock \(path)", reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = String(data: FileManager.default.contents(atPath: path) ?? Data(), encoding: .utf8)?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw Held(holder: holder?.isEmpty == false && holder!.allSatisfy(\.isNumber) ? holder : nil)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        self.fd = fd
    }

    deinit {
        // Closing the last descriptor releases the flock.
        close(fd)
    }
}

