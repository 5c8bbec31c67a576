import DeskGate
import DeskSim
import Foundation
import JSONValue
import LuaHost
import Runbooks
import ShellCore

/// The engine behind `zdsh test`: lists the scenarios of each file, then
/// runs each one in a fresh Lua state against a fresh simulator (the demo
/// org unless the file seeds or loads its own) or the file's cassette.
///
/// A file is run once to list its scenarios (`describe` bodies run, `it`
/// bodies do not), then once per scenario, executing that scenario's hooks
/// and body only: nothing a scenario does can leak into the next one.
package struct ScenarioRunner {
    package struct Options {
        /// Keep scenarios whose full name matches (a regular expression, or a
        /// plain substring when it does not compile as one).
        package var filter: String?
        /// Limits for each scenario's Lua state (and its runbooks).
        package var limits: Limits
        /// The stdlib folder holding `zdsh/expect.lua` and friends.
        package var stdlib: String?
        /// Called after each scenario (console progress).
        package var progress: ((ScenarioResult) -> Void)?

        package init(filter: String? = nil, limits: Limits = Limits(timeout: 60), stdlib: String? = Stdlib.path,
                    progress: ((ScenarioResult) -> Void)? = nil) {
            self.filter = filter; self.limits = limits; self.stdlib = stdlib; self.progress = progress
        }
    }

    package var options: Options

    package init(options: Options = Options()) { self.options = options }

    /// Finds scenario files under `paths` and runs them.
    package func run(paths: [String]) throws -> SuiteReport {
        let found = try ScenarioDiscovery.scenarios(in: paths)
        guard !found.isEmpty else { throw UsageError("no scenario files (*\(ScenarioDiscovery.suffix)) in \(paths.joined(separator: ", "))") }
        return run(found)
    }

    package func run(files: [String]) -> SuiteReport {
        run(files.map { ScenarioDiscovery.Found(file: $0, testFolder: SessionRecipe.folder(of: $0)) })
    }

    func run(_ found: [ScenarioDiscovery.Found]) -> SuiteReport {
        let start = Date()
        var results: [ScenarioResult] = []
        for f in found {
            for r in run(file: f.file, testFolder: f.testFolder) {
                results.append(r)
                options.progress?(r)
            }
        }
        return SuiteReport(results: results, duration: Date().timeIntervalSince(start))
    }

    /// The results of one file's scenarios (one failed result when the file
    /// cannot be listed: syntax error, error at the top level, bad cassette).
    package func run(file: String) -> [ScenarioResult] {
        run(file: file, testFolder: SessionRecipe.folder(of: file))
    }

    /// `testFolder`: what the scenarios may read (runbooks, fixtures,
    /// cassettes) must lie inside it, links resolved.
    package func run(file: String, testFolder: String) -> [ScenarioResult] {
        guard let stdlib = options.stdlib else {
            return [fileFailure(file, "cannot find the zdsh stdlib folder (stdlib/zdsh); set ZDSH_STDLIB")]
        }
        // Pass 1: list the scenarios.
        let listing: ScenarioSession
        do {
            listing = try ScenarioSession(file: file, testFolder: testFolder, backend: ScenarioBackend(), limits: options.limits,
                                          stdlib: stdlib)
        } catch {
            return [fileFailure(file, "\(error)")]
        }
        let entries: [JSON]
        switch listing.drive(mode: "collect") {
        case .success(let values):
            guard case .json(let list)? = values.first, let items = list.arrayValue else {
                return [fileFailure(file, "the scenario file did not list any scenarios")]
            }
            entries = items
        case .failure(let e):
            return [fileFailure(file, Self.message(e), error: e)]
        }
        var cassette: (Cassette, String)?
        if let path = listing.requestedCassette {
            do { cassette = (try Cassette.load(path: path), path) } catch {
                return [fileFailure(file, "\(error)")]
            }
        }

        // Pass 2: each selected scenario in its own state.
        var results: [ScenarioResult] = []
        for (n, entry) in entries.enumerated() {
            let name = entry["name"]?.stringValue ?? "scenario \(n + 1)"
            guard selected(name) else { continue }
            let line = entry["line"]?.intValue.map(Int.init)
            if entry["skipped"]?.boolValue == true {
                results.append(ScenarioResult(file: file, name: name, line: line, status: .skipped))
                continue
            }
            results.append(runScenario(file: file, testFolder: testFolder, index: n + 1, name: name, line: line, cassette: cassette,
                                       stdlib: stdlib))
        }
        return results
    }

    private func runScenario(file: String, testFolder: String, index: Int, name: String, line: Int?,
                             cassette: (Cassette, String)?, stdlib: String) -> ScenarioResult {
        let start = Date()
        let backend = cassette.map { ScenarioBackend(cassette: $0.0, path: $0.1) } ?? ScenarioBackend()
        let session: ScenarioSession
        do {
            session = try ScenarioSession(file: file, testFolder: testFolder, backend: backend, limits: options.limits, stdlib: stdlib)
        } catch {
            return ScenarioResult(file: file, name: name, line: line, status: .failed,
                                  failure: .init(message: "\(error)", file: file, line: line))
        }
        var result = ScenarioResult(file: file, name: name, line: line, status: .failed)
        switch session.drive(mode: "run", index: index) {
        case .success(let values):
            guard case .json(let r)? = values.first else {
                result.failure = .init(message: "the scenario produced no result", file: file, line: line)
                break
            }
            result.status = ScenarioResult.Status(rawValue: r["status"]?.stringValue ?? "") ?? .failed
            if let f = r["failure"] {
                result.failure = ScenarioResult.Failure(
                    message: f["message"]?.stringValue ?? "failed",
                    file: f["file"]?.stringValue ?? file, line: f["line"]?.intValue.map(Int.init) ?? line,
                    expected: f["expected"]?.stringValue, actual: f["actual"]?.stringValue,
                    traceback: f["traceback"]?.stringValue.map(Self.userFrames), isExpectation: f["expectation"]?.boolValue ?? false)
            }
        case .failure(let e):
            // A limit, or an error outside the protected scenario body.
            result.failure = Self.failure(e, file: file, line: line)
        }
        if result.status == .failed, let misses = backend.replay?.unmatched, !misses.isEmpty, var f = result.failure {
            f.message += "\n(not in the cassette: \(misses.prefix(3).joined(separator: "; ")))"
            result.failure = f
        }
        result.output = session.output
        result.simUnmodelled = backend.watch?.entries ?? []
        if session.strictSim, !result.simUnmodelled.isEmpty, result.status == .passed {
            result.status = .failed
            result.failure = .init(message: "\(SimUnmodelledWatch.errorCode) (strict_sim): the simulator did not model "
                                   + SimUnmodelledWatch.describe(result.simUnmodelled).joined(separator: "; "), file: file, line: line)
        }
        result.duration = Date().timeIntervalSince(start)
        return result
    }

    private func selected(_ name: String) -> Bool {
        guard let filter = options.filter, !filter.isEmpty else { return true }
        if let re = try? NSRegularExpression(pattern: filter) {
            return re.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
        }
        return name.contains(filter)
    }

    private func fileFailure(_ file: String, _ message: String, error: LuaError? = nil) -> ScenarioResult {
        var f = error.map { Self.failure($0, file: file, line: nil) } ?? .init(message: message, file: file)
        f.message = message
        return ScenarioResult(file: file, name: "(file)", line: nil, status: .failed, failure: f)
    }

    /// A traceback cut to the scenario's own frames: zdsh's trusted chunks
    /// and the runner's xpcall below the scenario body are noise.
    static func userFrames(_ traceback: String) -> String {
        var kept: [String] = []
        for line in UserTraceback.filter(traceback).split(separator: "\n").map(String.init) {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("[C]: in upvalue 'xpcall'") || t.hasPrefix("[C]: in function 'xpcall'") { break }
            if t.hasPrefix("[C]: in field 'traceback'") { continue }
            kept.append(line)
        }
        return kept.count <= 1 ? "" : kept.joined(separator: "\n")
    }

    static func message(_ e: LuaError) -> String {
        switch e {
        case .limit(_, let m): return "stopped: \(m)"
        default: return e.description
        }
    }

    /// A Lua error as a failure, its location read from a "file:line:" prefix.
    static func failure(_ e: LuaError, file: String, line: Int?) -> ScenarioResult.Failure {
        var f = ScenarioResult.Failure(message: message(e), file: file, line: line)
        if case .runtime(_, let tb, _) = e { f.traceback = UserTraceback.filter(tb) }
        let text = e.description
        if let m = text.range(of: #"^[^\s:]+\.lua:\d+:"#, options: .regularExpression) {
            let parts = text[m].dropLast().split(separator: ":")
            f.file = String(parts[0])
            f.line = Int(parts[1])
        }
        return f
    }
}
