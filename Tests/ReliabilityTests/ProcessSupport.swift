import Foundation
import XCTest

/// Runs the built `zdsh` binary (`.build/debug/zdsh`, built by `swift build --build-tests`).
enum Zdsh {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/zdsh").path
    static let stdlib = root.appendingPathComponent("stdlib").path

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

    static func launch(_ args: [String], env: [String: String], stdin: String? = nil) throws -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try p.run()
        return (p, out, err)
    }

    /// Runs to completion (killed after `timeout` seconds).
    static func run(_ args: [String], env: [String: String], timeout: Double = 60) throws -> Output {
        let (p, out, err) = try launch(args, env: env)
        let outData = Locked<Data>(Data()), errData = Locked<Data>(Data())
        let group = DispatchGroup()
        group.enter(); DispatchQueue.global().async { outData.value = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter(); DispatchQueue.global().async { errData.value = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        group.wait()
        return Output(status: p.terminationStatus, stdout: String(decoding: outData.value, as: UTF8.self),
                      stderr: String(decoding: errData.value, as: UTF8.self), signaled: p.terminationReason == .uncaughtSignal)
    }
}

final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var v: T
    init(_ v: T) { self.v = v }
    var value: T {
        get { lock.lock(); defer { lock.unlock() }; return v }
        set { lock.lock(); v = newValue; lock.unlock() }
    }
}
