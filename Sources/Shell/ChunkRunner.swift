import Foundation
import LuaHost

/// Runs one chunk in a fresh sandbox and reports the outcome the way the
/// command line does: results on stdout, errors on stderr, an exit status.
public struct ChunkRunner {
    public var limits: Limits
    public var json: Bool
    public var modulePaths: [String]

    public init(limits: Limits, json: Bool = false, modulePaths: [String] = []) {
        self.limits = limits; self.json = json; self.modulePaths = modulePaths
    }

    public func run(source: String, name: String) -> ExitStatus {
        let host: LuaHost
        do {
            host = try LuaHost(options: .init(limits: limits, modulePaths: modulePaths))
        } catch {
            Terminal.error("\(error)")
            return .luaError
        }
        defer { host.close() }
        switch host.run(source, name: name) {
        case .success(let values):
            if json {
                if !values.isEmpty { print(ValueFormatter.machine(values)) }
            } else {
                for v in values { print(ValueFormatter.human(v)) }
            }
            return .ok
        case .failure(let error):
            return Self.report(error)
        }
    }

    public static func report(_ error: LuaError) -> ExitStatus {
        switch error {
        case .syntax(let m):
            Terminal.error(m)
            return .luaError
        case .runtime(let m, let traceback, _):
            Terminal.error(m)
            if !traceback.isEmpty { Terminal.error(traceback) }
            return .luaError
        case .limit(let kind, let m):
            Terminal.error("zdsh: stopped: \(m)")
            return kind == .host ? .denied : .limit
        case .host(let m):
            Terminal.error("zdsh: \(m)")
            return .luaError
        }
    }
}

public enum Terminal {
    public static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
