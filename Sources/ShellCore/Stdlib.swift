import Foundation

/// Where the Lua files that ship with zdsh live (stdlib/), found next to the
/// executable's package, installed as PREFIX/share/zdsh beside PREFIX/bin
/// (scripts/install), or through ZDSH_STDLIB.
package enum Stdlib {
    package static let path: String? = {
        if let p = ProcessInfo.processInfo.environment["ZDSH_STDLIB"], !p.isEmpty { return p }
        var dir = ExecutableLocation.folder
        for _ in 0..<6 {
            for candidate in [dir.appendingPathComponent("stdlib"), dir.appendingPathComponent("share/zdsh")] {
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("zdsh").path) { return candidate.path }
            }
            dir.deleteLastPathComponent()
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("stdlib")
        return FileManager.default.fileExists(atPath: source.path) ? source.path : nil
    }()
}
