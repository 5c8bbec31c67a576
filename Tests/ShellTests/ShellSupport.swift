import DeskSim
import Foundation
import JSONValue
import LuaHost
@testable import DeskGate
@testable import DeskRepl
@testable import PlanApply
@testable import Runbooks
@testable import ScenarioTesting
@testable import ShellCore
import XCTest

/// A session over a fresh demo simulator, with helpers to run code and runbooks.
final class SimSession {
    let sim: Simulator
    let session: Session
    let auditPath: String
    var printed = ""

    init(allow: [String] = [], settings: CallGate.Settings = .init(), limits: Limits = Limits(timeout: 20),
         simulator: Simulator? = nil, journal: Journal? = nil, filesDirs: [String] = []) throws {
        sim = simulator ?? Simulator()
        let backend = Backend.simulator(sim, options: .fast())
        auditPath = NSTemporaryDirectory() + "zdsh-audit-\(UUID().uuidString).jsonl"
        let box = PrintSink()
        var recipe = SessionRecipe(client: backend.client, policy: Policy(grants: try allow.map(Policy.Pattern.init)))
        recipe.settings = settings
        recipe.audit = try AuditLog(path: auditPath)
        recipe.limits = limits
        recipe.journal = journal
        recipe.filesDirs = filesDirs
        recipe.output = { box.text += $0 }
        session = try Session(recipe)
        sink = box
    }
    private let sink: PrintSink
    var output: String { sink.text }

    func run(_ code: String) -> Result<[RunValue], LuaError> { session.run(code, name: "=test") }

    func value(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> JSON? {
        switch run(code) {
        case .success(let v):
            if case .json(let j)? = v.first { return j }
            return nil
        case .failure(let e):
            XCTFail("unexpected error: \(e)", file: file, line: line)
            return nil
        }
    }

    func error(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> LuaError? {
        if case .failure(let e) = run(code) { return e }
        XCTFail("expected an error", file: file, line: line)
        return nil
    }

    /// Runs a runbook file's main with parameters, declaring its destructive list.
    func runbook(_ path: String, _ params: JSON) throws -> Result<[RunValue], LuaError> {
        let source = LuaSource(try Data(contentsOf: URL(fileURLWithPath: path)), name: "@\(path)")
        guard case .success(let meta) = session.run(RunbookSpec.describe(source)),
              case .json(let j)? = meta.first else { throw HostError("not a runbook") }
        let spec = try RunbookSpec(json: j)
        try session.gate.declare(spec, auditFields: [:])
        return session.run(RunbookSpec.run(source, parameters: params))
    }

    var mutatingRequests: [SimLogEntry] { sim.requestLog.filter { $0.method != "GET" } }

    var auditRecords: [JSON] { (try? AuditLog.tail(path: auditPath, count: 100_000)) ?? [] }

    // Demo org ids.
    var hc: String { sim.resource("helpCenters").first?["id"]?.stringValue ?? "" }
}

final class PrintSink: @unchecked Sendable { var text = "" }

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
let examples = repoRoot + "/stdlib/examples"
