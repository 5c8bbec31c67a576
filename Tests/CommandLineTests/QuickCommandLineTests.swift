import ArgumentParser
import Runbooks
import XCTest

@testable import zdsh

/// `QuickCommandLine` reads `zdsh eval`/`zdsh run` without the argument
/// parser: for every form it takes, the runner options must be exactly those
/// the parser's commands make, and every form it does not take must be left
/// to the parser.
final class QuickCommandLineTests: XCTestCase {
    /// The runner's options as text: every field, closures included by kind.
    private func described(_ options: Runner.Options) -> String {
        var text = ""
        dump(options, to: &text)
        return text
    }

    private func parsed(_ arguments: [String]) throws -> Runner.Options {
        switch try Zdsh.parseAsRoot(arguments) {
        case let eval as EvalCommand: return try eval.runnerOptions()
        case let run as RunCommand: return try run.runnerOptions()
        case let other: throw XCTSkip("parsed as \(type(of: other))")
        }
    }

    private func assertSame(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        guard let quick = QuickCommandLine(arguments, environment: [:]) else {
            return XCTFail("not read: \(arguments)", file: file, line: line)
        }
        XCTAssertEqual(described(quick.runnerOptions()), described(try parsed(arguments)),
                       "\(arguments)", file: file, line: line)
        XCTAssertEqual(quick.target, arguments.first == "eval" ? "return 1" : "book.lua", file: file, line: line)
    }

    /// None, each one and each pair of the on/off flags, and all of them,
    /// after and before the positional argument. (A debug build parses about
    /// ten command lines a second, so not all 128 combinations.)
    func testOnOffFlagsMeanWhatTheParserMakesOfThem() throws {
        let switches = QuickCommandLine.Flag.allCases.filter { !$0.takesValue }.map(\.rawValue)
        XCTAssertEqual(switches.count, 7)
        var combinations: [[String]] = [[], switches]
        for (i, a) in switches.enumerated() {
            combinations.append([a])
            for b in switches[(i + 1)...] { combinations.append([a, b]) }
        }
        for command in ["eval", "run"] {
            let positional = command == "eval" ? "return 1" : "book.lua"
            for (n, chosen) in combinations.enumerated() {
                try assertSame(n % 2 == 0 ? [command, positional] + chosen : [command] + chosen + [positional])
            }
        }
    }

    func testValuedFlagsMeanWhatTheParserMakesOfThem() throws {
        let forms: [[String]] = [
            ["eval", "--profile", "prod", "return 1"],
            ["eval", "return 1", "--allow", "helpcenter.labels.*", "--allow", "desk.tickets.delete", "--deny", "desk.tickets.delete"],
            ["eval", "--sim", "--deny", "*", "return 1", "--json"],
            ["run", "book.lua", "--sim", "--param", "label=1", "--param", "dry=yes=no"],
            ["run", "--param", "x=", "book.lua", "--profile", "p", "--yes", "--allow", "desk.profiles.delete"],
            ["run", "book.lua", "--profile", "p", "--dry-run", "--no-undo"],
        ]
        for form in forms { try assertSame(form) }
    }

    /// What the quick reader leaves to the parser: it reports these (or reads flags the quick one does not know).
    func testFormsItDoesNotKnowGoToTheParser() {
        let forms: [[String]] = [
            [], ["eval"], ["run"], ["repl"], ["--sim", "eval", "return 1"],
            ["eval", "--help"], ["run", "book.lua", "-h"], ["eval", "-v", "return 1"],
            ["eval", "--sim=true", "return 1"], ["eval", "--sim", "--sim", "return 1"],
            ["eval", "return 1", "return 2"], ["eval", "--", "-1"], ["eval", "-1"],
            ["eval", "--param", "a=1", "return 1"], ["eval", "--allow", "--sim", "return 1"],
            ["eval", "--profile", "return 1"], ["eval", "--sim", "--profile", "p", "return 1"],
            ["run", "book.lua", "--param", "noequals"], ["run", "book.lua", "--param", "a=1", "--param", "a=2"],
            ["run", "book.lua", "--param", "=1"], ["run", "book.lua", "--timeout", "5"], ["run", "book.lua", "-o", "json"],
            ["run", "book.lua", "--resume", "r1"], ["run", "book.lua", "--fixture", "f.json", "--sim"],
            ["run", "book.lua", "--profile", "a", "--profile", "b"],
        ]
        for form in forms {
            XCTAssertNil(QuickCommandLine(form, environment: [:]), "\(form)")
        }
        // The parser checks $ZDSH_CONCURRENCY; so the quick reader leaves it any form when it is set.
        XCTAssertNil(QuickCommandLine(["eval", "return 1"], environment: ["ZDSH_CONCURRENCY": "3"]))
        XCTAssertNotNil(QuickCommandLine(["eval", "return 1"], environment: [:]))
    }
}
