import ArgumentParser
import DeskGate
import Foundation
import JSONValue
import Runbooks
import ShellCore

/// `zdsh runs`: recent runbook runs, so an operator can find what to resume.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List recent runbook runs and plan applies (id, runbook, target, started, state) to find one to resume.",
        subcommands: [Show.self])

    @Option(name: [.customShort("n"), .customLong("count")], help: "How many runs.")
    var count = 20

    @Flag(name: .long, help: "Print one JSON array of runs.")
    var json = false

    @OptionGroup var output: OutputOptions

    @OptionGroup var colour: ColorOptions

    func run() throws {
        let format = try output.listFormat(json: self.json)
        let json = format == .json
        let path = Journal.defaultPath()
        guard FileManager.default.fileExists(atPath: path) else {
            if json { CommandOutput.document(.array([])) }
            FileHandle.standardError.write(Data("no runs recorded yet (\(path))\n".utf8))
            return
        }
        let runs = try RunRegistry(path: path).recent(limit: count)
        if runs.isEmpty { FileHandle.standardError.write(Data("no runs recorded yet\n".utf8)) }
        if json {
            CommandOutput.document(.array(runs.map(Self.json)))
            return
        }
        let list = RecordListOutput(format: format, defaultColumns: ["id", "started", "state", "target", "runbook"])
        if list.print(runs.map(Self.row)) { return }
        for r in runs {
            let target = Self.target(r)
            let state = colour.colour.outcome(r.effectiveState.padding(toLength: 20, withPad: " ", startingAt: 0))
            let what = Terminal.visible(r.runbook) + (r.reverts.map { "  (reverts run \(Terminal.visible($0)))" }
                ?? r.plannedRun.map { "  (apply of the plan of run \(Terminal.visible($0)))" } ?? "")
            let line = [r.id, r.started, state, target, what].joined(separator: "  ")
            print(line)
        }
    }

    static func target(_ r: RunRegistry.Run) -> String {
        r.simulator ? "simulator" : "\(r.profile)" + (r.org.map { "/\($0)" } ?? "")
    }

    /// A run as a table or CSV row: its JSON with the target spelled out.
    static func row(_ r: RunRegistry.Run) -> JSON {
        guard case .object(var o) = json(r) else { return json(r) }
        o["target"] = .string(target(r))
        return .object(o)
    }

    static func json(_ r: RunRegistry.Run) -> JSON {
        var o: [String: JSON] = ["id": .string(r.id), "runbook": .string(r.runbook), "sha256": .string(r.sha256),
                                 "parameters": r.parameters, "profile": .string(r.profile), "sim": .bool(r.simulator),
                                 "started": .string(r.started), "state": .string(r.effectiveState)]
        if let org = r.org { o["org"] = .string(org) }
        if let f = r.finished { o["finished"] = .string(f) }
        if let s = r.summary { o["summary"] = .string(s) }
        if let p = r.plannedRun { o["planned_run"] = .string(p) }
        if let v = r.reverts { o["reverts"] = .string(v) }
        return .object(o)
    }
}
