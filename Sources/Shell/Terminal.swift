import Foundation
import LuaHost

/// Messages for people, on stderr.
public enum Terminal {
    public static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// How a failed chunk is shown: the message (with `file:line:`), Lua's
    /// traceback for runtime errors, and which limit stopped the run.
    public static func report(_ error: LuaError) {
        switch error {
        case .syntax(let m):
            self.error(m)
        case .runtime(let m, let traceback, _):
            self.error(m)
            if !traceback.isEmpty { self.error(traceback) }
        case .limit(_, let m):
            self.error("zdsh: stopped: \(m)")
        case .host(let m):
            self.error("zdsh: \(m)")
        }
    }
}
