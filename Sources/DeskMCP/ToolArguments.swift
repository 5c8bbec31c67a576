import MCP

/// A tool call's arguments, read against the tool's schema. A missing or
/// mistyped argument is the client's mistake: an invalid-params error naming
/// the tool, the argument and what was expected; nothing runs.
struct ToolArguments {
    let tool: String
    let values: [String: Value]

    init(tool: String, values: [String: Value]?, allowed: Set<String>) throws {
        self.tool = tool
        self.values = values ?? [:]
        if let unknown = self.values.keys.sorted().first(where: { !allowed.contains($0) }) {
            let known = allowed.sorted().joined(separator: ", ")
            throw MCPError.invalidParams("\(tool): unknown argument '\(unknown)' (it takes: \(known.isEmpty ? "none" : known))")
        }
    }

    private func bad(_ name: String, _ expected: String, _ got: Value) -> MCPError {
        MCPError.invalidParams("\(tool): argument '\(name)' must be \(expected), got \(Self.typeName(got))")
    }

    func string(_ name: String) throws -> String {
        guard let v = values[name] else { throw MCPError.invalidParams("\(tool): missing argument '\(name)' (a string)") }
        guard case .string(let s) = v else { throw bad(name, "a string", v) }
        return s
    }

    func optionalString(_ name: String) throws -> String? {
        guard let v = values[name], !v.isNull else { return nil }
        guard case .string(let s) = v else { throw bad(name, "a string", v) }
        return s
    }

    func bool(_ name: String, default fallback: Bool) throws -> Bool {
        guard let v = values[name], !v.isNull else { return fallback }
        guard case .bool(let b) = v else { throw bad(name, "a boolean", v) }
        return b
    }

    func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let v = values[name], !v.isNull else { return fallback }
        let n: Int
        switch v {
        case .int(let i): n = i
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: n = Int(d)
        default: throw bad(name, "an integer", v)
        }
        guard range.contains(n) else {
            throw MCPError.invalidParams("\(tool): argument '\(name)' must be between \(range.lowerBound) and \(range.upperBound), got \(n)")
        }
        return n
    }

    func object(_ name: String) throws -> [String: Value] {
        guard let v = values[name], !v.isNull else { return [:] }
        guard case .object(let o) = v else { throw bad(name, "an object", v) }
        return o
    }

    static func typeName(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a string"
        case .data: return "binary data"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
