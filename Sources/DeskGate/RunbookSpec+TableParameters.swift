import JSONValue
import ShellCore

package extension RunbookSpec {
    /// Checks and converts parameters given as a Lua table: typed values are
    /// taken as they are, strings go through the same rules as `--param`.
    /// Unknown names and missing required ones are usage errors.
    func convert(json given: JSON) throws -> JSON {
        let values = (given.objectValue ?? [:]).filter { !$0.value.isNull }
        for key in values.keys.sorted() where !parameters.contains(where: { $0.name == key }) {
            let known = parameters.map(\.name).joined(separator: ", ")
            throw UsageError("unknown parameter '\(key)' (this runbook takes: \(known.isEmpty ? "none" : known))")
        }
        var strings: [String: String] = [:]
        var typed: [String: JSON] = [:]
        for (k, v) in values {
            let type = parameters.first { $0.name == k }?.type ?? "string"
            switch (type, v) {
            case ("list", .object(let o)) where o.isEmpty:
                typed[k] = .array([])  // an empty Lua table
            case ("list", .array), ("integer", .int), ("number", .int), ("number", .double), ("boolean", .bool):
                typed[k] = v
            case ("number", _), ("integer", _), ("boolean", _), ("list", _), ("id", _), ("string", _):
                switch v {
                case .string(let s): strings[k] = s
                case .int(let i): strings[k] = String(i)
                case .double(let d): strings[k] = String(d)
                case .bool(let b): strings[k] = String(b)
                default: throw UsageError("parameter '\(k)': \(type) expected, got \(v.typeName)")
                }
            default:
                strings[k] = v.stringValue ?? v.encoded()
            }
        }
        // Typed values pass the `--param` checks as their string form; the
        // typed value then replaces the converted one.
        var all = strings
        for (k, v) in typed { all[k] = v.stringValue ?? v.encoded() }
        guard case .object(var out) = try convert(all) else { return .object([:]) }
        for (k, v) in typed { out[k] = v }
        return .object(out)
    }
}
