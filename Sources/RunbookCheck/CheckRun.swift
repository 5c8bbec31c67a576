import Foundation
import ShellCore

/// `zdsh check PATH…`: the files to check (folders searched for `*.lua`),
/// zdsh's own checks on each, and luacheck's findings when it is installed.
package struct CheckRun {
    package var diagnostics: [CheckDiagnostic] = []
    package var files: [String] = []
    /// "ran", "not installed" or "off".
    package var luacheck = "off"

    package var errors: Int { diagnostics.filter { $0.severity == .error }.count }
    package var warnings: Int { diagnostics.filter { $0.severity == .warning }.count }

    /// The `.lua` files under `paths` (hidden folders and `.build` skipped), sorted.
    package static func files(in paths: [String]) throws -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw UsageError("zdsh check: no such file or folder: \(Terminal.visible(path))")
            }
            guard isDirectory.boolValue else { out.append(path); continue }
            var found: [String] = []
            let enumerator = fm.enumerator(atPath: path)
            while let relative = enumerator?.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") || name == ".build" {
                    enumerator?.skipDescendants()
                    continue
                }
                if relative.hasSuffix(".lua") { found.append(path == "." ? relative : (path as NSString).appendingPathComponent(relative)) }
            }
            out += found.sorted()
        }
        return out
    }

    /// Checks every file; `useLuacheck`: run luacheck too when it is installed.
    /// `stdlib`: zdsh's stdlib folder, for luacheck's std (stdlib/luacheck/zdsh_std.lua).
    package static func run(paths: [String], useLuacheck: Bool, stdlib: String?,
                            note: (String) -> Void) throws -> CheckRun {
        var run = CheckRun()
        run.files = try files(in: paths)
        let checker = try RunbookChecker()
        for file in run.files {
            guard let data = FileManager.default.contents(atPath: file) else {
                run.diagnostics.append(CheckDiagnostic(file: file, line: 1, column: 1, severity: .error, message: "cannot read the file"))
                continue
            }
            run.diagnostics += checker.check(file: file, bytes: [UInt8](data))
        }
        if useLuacheck {
            if let luacheck = Luacheck.executable() {
                if let found = Luacheck.run(luacheck, files: run.files, stdlib: stdlib) {
                    run.luacheck = "ran"
                    let fresh = found.filter { !run.alreadySays($0) }
                    run.diagnostics += fresh
                } else {
                    run.luacheck = "failed"
                    note("zdsh check: luacheck could not be run; only zdsh's own checks were made")
                }
            } else {
                run.luacheck = "not installed"
                note("zdsh check: luacheck is not installed (apt-get install lua-check); only zdsh's own checks were made")
            }
        }
        run.diagnostics.sort()
        return run
    }

    /// luacheck's "undefined field" of desk/helpcenter where zdsh already
    /// named the missing binding on that line (with a "did you mean").
    private func alreadySays(_ d: CheckDiagnostic) -> Bool {
        guard d.message.contains("[luacheck W143]") else { return false }
        return diagnostics.contains { $0.file == d.file && $0.line == d.line && $0.message.contains("no such") }
    }
}
