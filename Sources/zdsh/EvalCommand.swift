import ArgumentParser
import Foundation
import LuaHost
import Shell

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Run a chunk of Lua in the sandbox and print what it returns.")

    @Argument(help: "Lua code, e.g. 'return 1+1'.")
    var code: String

    @Flag(name: .long, help: "Print results as JSON.")
    var json = false

    @OptionGroup var sandbox: SandboxOptions

    func run() throws {
        let status = ChunkRunner(limits: sandbox.limits, json: json).run(source: code, name: "=eval")
        throw ExitCode(status.rawValue)
    }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a Lua file in the sandbox.")

    @Argument(help: "The Lua file to run.")
    var file: String

    @Flag(name: .long, help: "Print results as JSON.")
    var json = false

    @OptionGroup var sandbox: SandboxOptions

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        let folder = (file as NSString).deletingLastPathComponent
        let status = ChunkRunner(limits: sandbox.limits, json: json, modulePaths: [folder.isEmpty ? "." : folder])
            .run(source: String(decoding: data, as: UTF8.self), name: "@\(file)")
        throw ExitCode(status.rawValue)
    }
}
