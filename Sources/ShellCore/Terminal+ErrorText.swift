import JSONValue
import LuaHost

package extension Terminal {
    /// A runtime error's message as lines for the terminal. An API error the
    /// host raised carries its layout (`_lines`: message, field errors, hint,
    /// request id): each of those is its own line, escaped, so a hint reads as
    /// text rather than `\n`, and a server's newline inside a line still
    /// cannot start one. Anything else is one escaped line.
    static func messageText(_ message: String, value: ErrorValue) -> String {
        guard case .object(let o) = value, case .array(let raw)? = o["_lines"] else { return visible(message) }
        let lines = raw.compactMap(\.stringValue)
        // Only when the message is still the host's, uncut and unchanged.
        guard lines.count == raw.count, lines.joined(separator: "\n") == message else { return visible(message) }
        return lines.map { visible($0) }.joined(separator: "\n")
    }

    /// Whether a runtime error's traceback is worth showing: not for a string
    /// raised without a position (`error(msg, 0)`, Lua's way to say just the
    /// message), unless `--verbose` asks for every traceback.
    static func showsTraceback(_ message: String, value: ErrorValue, verbose: Bool) -> Bool {
        if verbose { return true }
        guard case .string = value else { return true }
        return hasPosition(message)
    }

    /// Whether `message` starts as Lua's `error` (level ≥ 1) makes it start:
    /// `chunk:line: `.
    static func hasPosition(_ message: String) -> Bool {
        let firstLine = message.prefix { $0 != "\n" }
        guard let sep = firstLine.range(of: ": ") else { return false }
        let head = firstLine[..<sep.lowerBound]
        guard let colon = head.lastIndex(of: ":") else { return false }
        let line = head[head.index(after: colon)...]
        return !line.isEmpty && line.allSatisfy(\.isNumber) && colon != head.startIndex
    }
}
