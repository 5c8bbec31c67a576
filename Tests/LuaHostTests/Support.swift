import JSONValue
import LuaHost
import XCTest

/// A host with a collecting print writer.
final class Harness {
    let host: LuaHost
    private(set) var printed = ""

    init(limits: Limits = Limits(timeout: 10, maxMemory: 64 << 20, maxInstructions: 0, maxOutput: 1 << 20),
         modulePaths: [String] = []) throws {
        var options = LuaHost.Options(limits: limits, modulePaths: modulePaths)
        let box = PrintBox()
        options.output = { box.text += $0 }
        host = try LuaHost(options: options)
        self.box = box
    }

    private let box: PrintBox
    var output: String { box.text }

    func run(_ code: String) -> Result<[RunValue], LuaError> { host.run(code, name: "=test") }

    func value(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> JSON? {
        switch run(code) {
        case .success(let values):
            guard let first = values.first else { return nil }
            if case .json(let j) = first { return j }
            XCTFail("not JSON: \(first)", file: file, line: line)
            return nil
        case .failure(let e):
            XCTFail("unexpected error: \(e)", file: file, line: line)
            return nil
        }
    }

    func error(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> LuaError? {
        switch run(code) {
        case .success(let v):
            XCTFail("expected an error, got \(v)", file: file, line: line)
            return nil
        case .failure(let e): return e
        }
    }

    func limit(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> LimitKind? {
        guard let e = error(code, file: file, line: line) else { return nil }
        if case .limit(let kind, _) = e { return kind }
        XCTFail("expected a limit, got \(e)", file: file, line: line)
        return nil
    }

    deinit { host.close() }
}

final class PrintBox: @unchecked Sendable { var text = "" }
