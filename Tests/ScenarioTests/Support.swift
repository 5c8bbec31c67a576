import Foundation
import JSONValue
import LuaHost
import DeskGate
import DeskRepl
import PlanApply
import Runbooks
import ScenarioTesting
import ShellCore
import TestSupport
import XCTest

/// Paths into the repository, found from this file.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let stdlib = root.appendingPathComponent("stdlib").path
    static let scenarios = root.appendingPathComponent("Tests/fixtures/scenarios")
    static func scenario(_ rel: String) -> String { scenarios.appendingPathComponent(rel).path }
    static let binary = ZdshBinary.path
}

func runScenarios(_ paths: [String], filter: String? = nil) throws -> SuiteReport {
    try ScenarioRunner(options: .init(filter: filter, limits: Limits(timeout: 60), stdlib: Repo.stdlib)).run(paths: paths)
}

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("zdsh-scenarios-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Just enough TAP to check a report: version, plan, test lines, directives.
struct TAPDocument {
    struct Test { let ok: Bool; let number: Int; let description: String; let skip: Bool }
    var version: Int?
    var plan: ClosedRange<Int>?
    var tests: [Test] = []
    var comments: [String] = []

    init(_ text: String) throws {
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("TAP version ") { version = Int(line.dropFirst(12)); continue }
            if let m = line.range(of: #"^1\.\.(\d+)$"#, options: .regularExpression) {
                let n = Int(line[m].dropFirst(3))!
                plan = 1...max(n, 1)
                if n == 0 { plan = nil }
                continue
            }
            if line.hasPrefix("ok ") || line.hasPrefix("not ok ") {
                let ok = line.hasPrefix("ok ")
                let rest = line.dropFirst(ok ? 3 : 7)
                let numText = rest.prefix { $0.isNumber }
                guard let number = Int(numText) else { throw TAPError("test line without a number: \(line)") }
                var desc = String(rest.dropFirst(numText.count))
                if desc.hasPrefix(" - ") { desc.removeFirst(3) }
                let skip = desc.range(of: #"(?<!\\)# SKIP"#, options: [.regularExpression, .caseInsensitive]) != nil
                tests.append(Test(ok: ok, number: number, description: desc, skip: skip))
                continue
            }
            if line.hasPrefix("#") { comments.append(line); continue }
        }
    }

    struct TAPError: Error, CustomStringConvertible { let description: String; init(_ d: String) { description = d } }
}
