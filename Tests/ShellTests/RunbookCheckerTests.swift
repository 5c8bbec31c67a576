import Foundation
@testable import DeskGate
@testable import RunbookCheck
@testable import ShellCore
import XCTest

/// `zdsh check`'s pieces: the tokenizer's positions, the scan's aliases and
/// literal values, and a checker that never crashes on broken input.
final class RunbookCheckerTests: XCTestCase {
    func testTokensCarryLinesAndColumnsPastCommentsAndLongStrings() {
        let source = """
        --[==[ a long
        comment ]==] local s = [[two
        lines]] -- trailing
        x = "a\\"b" .. 'c'  y = -0x1F
        """
        let tokens = LuaTokenizer.tokens(Array(source.utf8))
        let shown = tokens.map { "\($0.line):\($0.column) \($0.text)" }
        XCTAssertEqual(shown, [
            "2:14 local", "2:20 s", "2:22 =", "2:24 two\nlines",
            "4:1 x", "4:3 =", "4:5 a\"b", "4:12 ..", "4:15 c", "4:20 y", "4:22 =", "4:24 -", "4:25 0x1F", "4:29 ",
        ])
    }

    func testAliasesAndLiteralArgumentsAreSeen() {
        let source = """
        local t = desk.tickets
        local close = t.close
        close({ "1", 2 }, { partial = true, note = nil })
        t.list{ limit = 5, status = p.s }
        """
        let scan = RunbookScan(tokens: LuaTokenizer.tokens(Array(source.utf8)))
        let called = scan.references.filter { $0.arguments != nil }
        XCTAssertEqual(called.map { $0.path.joined(separator: ".") }, ["desk.tickets.close", "desk.tickets.list"])
        XCTAssertEqual(called[0].fromAlias, 3)
        guard case .table(let ids)? = called[0].arguments?.first?.value else { return XCTFail("no table") }
        XCTAssertEqual(StaticArguments.known(.table(ids)), .array(["1", 2]))
        guard case .table(let options)? = called[1].arguments?.first?.value else { return XCTFail("no table") }
        XCTAssertEqual(StaticArguments.known(options["limit"]!.value), 5)
        XCTAssertFalse(options["status"]!.value.isKnown)
    }

    /// Broken files (every example cut short at many places, and bytes
    /// flipped) get diagnostics, never a crash or a hang.
    func testBrokenInputNeverCrashes() throws {
        let checker = try RunbookChecker()
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("stdlib/examples")
        var generator = SystemRandomNumberGenerator()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".lua") {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 40)) {
                _ = checker.check(file: name, bytes: Array(bytes[..<cut]))
                var flipped = bytes
                flipped[cut] = UInt8.random(in: 0...255, using: &generator)
                _ = checker.check(file: name, bytes: flipped)
                // The scan alone, on what the parser would refuse.
                _ = RunbookScan(tokens: LuaTokenizer.tokens(Array(bytes[cut...])))
            }
        }
    }
}
