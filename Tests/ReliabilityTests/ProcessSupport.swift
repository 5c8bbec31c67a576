import Foundation
import TestSupport
import XCTest

/// Runs the built `zdsh` binary (found by `ZdshBinary`).
enum Zdsh {
    static let root = ZdshBinary.packageRoot
    static let binary = ZdshBinary.path
    static let stdlib = ZdshBinary.stdlib

    struct Output { let status: Int32; let stdout: String; let stderr: String; let signaled: Bool }

    static func tempDir(_ tag: String) -> String {
        let d = NSTemporaryDirectory() + "zdsh-rel-\(tag)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// A clean environment: state, config and home under `home`; no inherited ZOHO_* variables.
    static func environment(home: String, extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ZOHO_") && !$0.key.hasPrefix("ZDSH_") }
        env["HOME"] = home
        env["XDG_STATE_HOME"] = home + "/state"
        env["XDG_CONFIG_HOME"] = home + "/config"
        env["XDG_DATA_HOME"] = home + "/data"
        env["ZDSH_NO_PROGRESS"] = "1"
        env["ZDSH_STDLIB"] = stdlib
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// Starts zdsh; its output is drained in the background (see ChildProcess).
    static func launch(_ args: [String], env: [String: String]) throws -> ChildProcess {
        try ChildProcess(try ZdshBinary.required(), args, environment: env)
    }

    /// Runs to completion (killed after `timeout` seconds).
    static func run(_ args: [String], env: [String: String], timeout: Double = 60) throws -> Output {
        let r = try launch(args, env: env).wait(timeout: timeout)
        return Output(status: r.status, stdout: r.out, stderr: r.err, signaled: r.signal != nil)
    }
}
