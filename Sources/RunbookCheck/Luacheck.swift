import Foundation

/// Debian's `lua-check` run over the checked files with zdsh's generated std
/// (stdlib/luacheck/zdsh_std.lua), its findings as `CheckDiagnostic`s.
package enum Luacheck {
    /// The luacheck on PATH, if any.
    package static func executable(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        for dir in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/luacheck"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The configuration to use: the project's own `.luacheckrc` when the
    /// current folder has one (luacheck finds it), else zdsh's std file.
    static func configArguments(stdlib: String?) -> [String] {
        if FileManager.default.fileExists(atPath: ".luacheckrc") { return [] }
        guard let stdlib else { return [] }
        return ["--config", (stdlib as NSString).appendingPathComponent("luacheck/zdsh_std.lua")]
    }

    /// Runs luacheck; nil when it could not be run.
    package static func run(_ executable: String, files: [String], stdlib: String?) -> [CheckDiagnostic]? {
        guard !files.isEmpty else { return [] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--formatter", "plain", "--codes", "--no-color"] + configArguments(stdlib: stdlib) + ["--"] + files
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // 0: clean, 1: warnings, 2: errors; anything else (3, 4) is luacheck failing.
        guard process.terminationStatus <= 2 else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { parse(String($0)) }
    }

    /// `file:line:col: (W143) message`.
    static func parse(_ line: String) -> CheckDiagnostic? {
        guard let open = line.range(of: ": ("), let close = line.range(of: ") ", range: open.upperBound..<line.endIndex) else { return nil }
        let location = line[..<open.lowerBound].split(separator: ":")
        guard location.count >= 3, let l = Int(location[location.count - 2]), let c = Int(location[location.count - 1]) else { return nil }
        let file = location.dropLast(2).joined(separator: ":")
        let code = String(line[open.upperBound..<close.lowerBound])
        // E011 is a syntax error: the system Lua's parser has already said so.
        if code == "E011" { return nil }
        let message = String(line[close.upperBound...])
        return CheckDiagnostic(file: file, line: l, column: c, severity: code.hasPrefix("E") ? .error : .warning,
                               message: "\(message) [luacheck \(code)]", source: "luacheck")
    }
}
