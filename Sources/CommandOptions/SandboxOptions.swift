import ArgumentParser
import Foundation
import LuaHost

/// Limit flags shared by every command that runs Lua.
package struct SandboxOptions: ParsableArguments {
    package init() {}

    @Option(name: .long, help: "Wall-clock limit in seconds (covers host work too: JSON, results, printing). Default: none for run against a profile, 300 for run --sim, eval and each REPL input, 120 per tool call for zdsh mcp.")
    package var timeout: Double?

    @Option(name: .customLong("max-memory"), help: "Memory limit in MB: the Lua heap plus what the host allocates for the run (API responses as they arrive, decoded JSON, converted values, results).")
    var maxMemory: Int = 256

    @Option(name: .customLong("max-instructions"), help: "Lua VM instruction budget across all coroutines (0 = unlimited). Counting makes Lua code about 1.7× slower.")
    var maxInstructions: Int64 = 0

    @Option(name: .customLong("max-output"), help: "Limit on what print, the printed result and the error report may write, in KB.")
    var maxOutput: Int = 10240

    @Option(name: .customLong("files-dir"), help: ArgumentHelp("A folder upload operations may read files from, besides the runbook's own folder (repeatable).", valueName: "DIR"))
    package var filesDir: [String] = []

    package func validate() throws {
        for dir in filesDir {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError("--files-dir \(dir): no such folder")
            }
        }
        guard (timeout ?? 1) > 0 else { throw ValidationError("--timeout must be positive") }
        guard maxMemory > 0 else { throw ValidationError("--max-memory must be positive") }
        guard maxInstructions >= 0 else { throw ValidationError("--max-instructions cannot be negative") }
        guard maxOutput > 0 else { throw ValidationError("--max-output must be positive") }
    }

    package var limits: Limits { limits(defaultTimeout: 300) }

    package func limits(defaultTimeout: Double) -> Limits {
        Limits(timeout: timeout ?? defaultTimeout, maxMemory: maxMemory << 20, maxInstructions: maxInstructions, maxOutput: maxOutput << 10)
    }
}
