import Foundation
import LuaHost

/// Syntax errors by the system Lua's own parser: the file is compiled (never
/// run) inside a LuaHost, so a parse error comes back as a value, not a jump.
package final class SyntaxCheck {
    private let host: LuaHost

    package init() throws {
        host = try LuaHost(options: .init(limits: .defaults, output: { _ in }))
    }

    deinit { host.close() }

    /// The parser's message and line for `bytes`, or nil when it compiles.
    package func error(in bytes: [UInt8], file: String) -> (line: Int, message: String)? {
        let chunk = LuaSource(bytes: bytes, name: "@\(file)")
        // The checked file is compiled as an argument of a main that does
        // nothing with it: it is loaded, never called.
        let result = host.run(LuaSource(text: "return true", name: "=check"), arguments: [.chunk(chunk)])
        guard case .failure(let e) = result else { return nil }
        let text: String
        switch e {
        case .syntax(let m): text = m
        default: text = e.description
        }
        return Self.split(text, file: file)
    }

    /// "file:12: 'end' expected near <eof>" → (12, "'end' expected near <eof>").
    static func split(_ message: String, file: String) -> (line: Int, message: String) {
        var rest = Substring(message)
        if rest.hasPrefix(file + ":") { rest = rest.dropFirst(file.count + 1) }
        let digits = rest.prefix { $0.isNumber }
        guard let line = Int(digits), rest.dropFirst(digits.count).hasPrefix(":") else { return (1, message) }
        return (line, String(rest.dropFirst(digits.count + 1).drop { $0 == " " }))
    }

    /// The column of the token a parser message is "near", on its line.
    static func column(of message: String, line: Int, tokens: [SourceToken]) -> Int {
        guard let near = message.range(of: " near ", options: .backwards) else { return 1 }
        var what = String(message[near.upperBound...])
        if what == "<eof>" { return tokens.last.map { $0.line == line ? $0.column : 1 } ?? 1 }
        if what.hasPrefix("'"), what.hasSuffix("'"), what.count >= 2 { what = String(what.dropFirst().dropLast()) }
        let onLine = tokens.filter { $0.line == line }
        return onLine.first { $0.text == what || what.hasPrefix($0.text) && !$0.text.isEmpty }?.column ?? onLine.first?.column ?? 1
    }
}
