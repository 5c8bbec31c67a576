import DeskSim
import Foundation
import JSONValue
import XCTest

/// What the undo tests share: a served simulator, `zdsh` against it, the
/// run id an eval prints, and the simulator's state of the records a run
/// touches with the fields the server maintains left out.
class UndoTestCase: XCTestCase {
    /// Fields the server sets itself on every change, which an undo cannot
    /// (and need not) set back: when a record or a membership was last
    /// changed and by whom, and a membership's own timestamps and primary
    /// flag (a membership removed and added back is a new one).
    static let serverMaintained: Set<String> = ["modifiedTime", "modifiedBy", "modifier", "assignedTime", "addedTime",
                                                "isPrimary", "lastActivityTime", "closedTime"]
    /// The tables compared, and the relations compared as pairs.
    static let tables = ["tickets", "contacts", "accounts", "tasks", "labels", "groups", "teams"]
    static let relations = ["labelUsers", "groupUsers", "ticketTags"]

    var served: ServedSimulator!
    var sim: Simulator { served.sim }
    var home: String { served.home }

    override func setUp() async throws {
        served = ServedSimulator(tag: "undo")
        try await served.start()
    }

    override func tearDown() async throws {
        await served.stop()
    }

    func zdsh(_ args: [String]) throws -> Zdsh.Output {
        try Zdsh.run(args + ["--profile", "undo", "--audit", home + "/audit.jsonl"], env: served.env, timeout: 120)
    }

    /// Runs `code` with `zdsh eval` and answers its run id (printed because it wrote).
    func evalRun(_ code: String, _ extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try zdsh(["eval", code, "--yes"] + extra)
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        guard let runId = Self.runId(in: r.stderr) else {
            XCTFail("no run id in: \(r.stderr)", file: file, line: line)
            return ""
        }
        return runId
    }

    static func runId(in stderr: String) -> String? {
        guard let range = stderr.range(of: #"zdsh: run (\S+) \(to revert"#, options: .regularExpression) else { return nil }
        return String(stderr[range].dropFirst("zdsh: run ".count).split(separator: " ")[0])
    }

    /// Every compared table by id, and every relation as a set of pairs, without server-maintained fields.
    func state() -> [String: JSON] {
        var out: [String: JSON] = [:]
        for t in Self.tables {
            var byId: [String: JSON] = [:]
            for r in sim.resource(t) {
                guard let id = r["id"]?.stringValue, case .object(let fields) = r else { continue }
                byId[id] = .object(fields.filter { !Self.serverMaintained.contains($0.key) })
            }
            out[t] = .object(byId)
        }
        for rel in Self.relations {
            let pairs = sim.resource(rel).compactMap { r -> String? in
                guard case .object(let o) = r else { return nil }
                return o.filter { $0.key.hasSuffix("Id") }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }
                    .joined(separator: ",")
            }
            out[rel] = .array(Set(pairs).sorted().map(JSON.string))
        }
        return out
    }

    /// The differences between two states, one line each (empty: equal).
    static func differences(_ a: [String: JSON], _ b: [String: JSON]) -> [String] {
        var lines: [String] = []
        for key in Set(a.keys).union(b.keys).sorted() {
            switch (a[key], b[key]) {
            case (.object(let x)?, .object(let y)?):
                for id in Set(x.keys).union(y.keys).sorted() where x[id] != y[id] {
                    let fx = x[id]?.objectValue ?? [:], fy = y[id]?.objectValue ?? [:]
                    let fields = Set(fx.keys).union(fy.keys).filter { fx[$0] != fy[$0] }.sorted()
                    lines.append("\(key) \(id): " + (x[id] == nil || y[id] == nil ? "present in one only"
                        : fields.map { "\($0): \(fx[$0]?.encoded() ?? "nil") ≠ \(fy[$0]?.encoded() ?? "nil")" }.joined(separator: "; ")))
                }
            default:
                if a[key] != b[key] { lines.append("\(key): \(a[key]?.encoded() ?? "nil") ≠ \(b[key]?.encoded() ?? "nil")") }
            }
        }
        return lines
    }

    func assertSameState(_ before: [String: JSON], file: StaticString = #filePath, line: UInt = #line) {
        let diff = Self.differences(before, state())
        XCTAssertTrue(diff.isEmpty, "state differs after undo:\n" + diff.prefix(30).joined(separator: "\n"), file: file, line: line)
    }

    func ids(_ table: String) -> [String] { sim.resource(table).compactMap { $0["id"]?.stringValue }.sorted() }

    func record(_ table: String, _ id: String) -> [String: JSON] {
        sim.resource(table).first { $0["id"]?.stringValue == id }?.objectValue ?? [:]
    }

    /// Audit records of the log, parsed.
    func auditRecords() throws -> [[String: JSON]] {
        let text = (try? String(contentsOfFile: home + "/audit.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSON.parse(Array($0.utf8)).objectValue }
    }
}
