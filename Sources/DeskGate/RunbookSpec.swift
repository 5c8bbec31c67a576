import Crypto
import Foundation
import JSONValue
import LuaHost
import ShellCore

/// A runbook's declared metadata: name, description, typed parameters, the
/// destructive operations it may perform, and risk tags.
///
/// A runbook file returns `runbook { name = …, params = {…}, destructive = {…},
/// writes = {…}, notify = {…}, optional = {…}, risk = {…}, main = function(p) … end }`.
///
/// `optional` marks declared destructive or notify operations the runbook
/// calls only on some parameters: `["desk.tickets.send_reply"] = "reply"`
/// (called when the parameter `reply` is set and not false), or a plain
/// list entry (no parameter tells). Their grants are required at the start
/// only when the parameters say they will be called.
package struct RunbookSpec: Sendable {
    /// One entry of `optional = {…}`: the operation pattern and the parameter
    /// that turns it on, when one does.
    package struct OptionalOperation: Sendable, Equatable {
        package let pattern: String
        package let parameter: String?
    }

    package struct Parameter: Sendable {
        package let name: String
        package let type: String
        package let required: Bool
        package let defaultValue: JSON?
        package let description: String
    }

    package let name: String
    package let description: String
    package let parameters: [Parameter]
    package let destructive: [String]
    /// The writes it may call (`writes = {…}`): any other write is refused.
    package let writes: [String]
    /// The operations that send or publish to outside people it may call.
    package let notify: [String]
    package let optional: [OptionalOperation]
    package let risk: [String]

    /// Whether a file's text calls `runbook{…}` / `runbook(…)`: such a file's
    /// top level is held to reads (see CallGate.Settings.refuseMutations).
    /// The pattern is `(^|[^A-Za-z0-9_.])runbook\s*[{(]`, scanned by hand:
    /// a regular expression costs 2 ms to compile at every run's start.
    package static func looksLikeRunbook(_ bytes: [UInt8]) -> Bool {
        let word = Array("runbook".utf8)
        var i = 0
        while i + word.count <= bytes.count {
            defer { i += 1 }
            guard bytes[i] == word[0], bytes[i..<(i + word.count)].elementsEqual(word) else { continue }
            if i > 0 && (isNameByte(bytes[i - 1]) || bytes[i - 1] == UInt8(ascii: ".")) { continue }
            var j = i + word.count
            while j < bytes.count, isSpace(bytes[j]) { j += 1 }
            if j < bytes.count, bytes[j] == UInt8(ascii: "{") || bytes[j] == UInt8(ascii: "(") { return true }
        }
        return false
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_")
    }

    /// `\s` as ICU reads it for ASCII: space, tab, newline, vertical tab, form feed, carriage return.
    private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    package static let parameterTypes = ["string", "id", "integer", "number", "boolean", "list"]

    /// Lua: the `runbook` function checks the shape of a spec and returns it.
    package static let librarySource = #"""
    local H = ...
    local type, pairs, ipairs, error, tostring = type, pairs, ipairs, error, tostring
    local where = H.where
    local types = { string = true, id = true, integer = true, number = true, boolean = true, list = true }
    -- Spec errors name the runbook's file and line (see RunbookSpecLocation).
    local function bad(spec, message)
      error(where(spec) .. "runbook: " .. message, 0)
    end
    return function(spec)
      if type(spec) ~= "table" then error("bad argument #1 to 'runbook' (table expected, got " .. type(spec) .. ")", 2) end
      if type(spec.name) ~= "string" then bad(spec, "'name' must be a string") end
      if type(spec.main) ~= "function" then bad(spec, "'main' must be a function") end
      for k, p in pairs(spec.params or {}) do
        if type(k) ~= "string" or type(p) ~= "table" then bad(spec, "params must map names to tables") end
        if not types[p.type or "string"] then bad(spec, "parameter '" .. k .. "' has unknown type '" .. tostring(p.type) .. "'") end
      end
      for _, list in ipairs({ "destructive", "writes", "notify" }) do
        if spec[list] ~= nil and type(spec[list]) ~= "table" then bad(spec, "'" .. list .. "' must be a list of operation names") end
        for _, d in ipairs(spec[list] or {}) do
          if type(d) ~= "string" then bad(spec, "'" .. list .. "' must list operation names") end
        end
      end
      if spec.optional ~= nil and type(spec.optional) ~= "table" then bad(spec, "'optional' must be a table") end
      for k, v in pairs(spec.optional or {}) do
        if type(v) ~= "string" then bad(spec, "'optional' entries must be operation names, or operation = parameter name") end
        if type(k) == "string" and not (spec.params or {})[v] then
          bad(spec, "'optional' ties " .. k .. " to parameter '" .. v .. "', which 'params' does not declare")
        end
      end
      return spec
    end
    """#

    /// Lua driver that runs the file's top level once. A runbook returns
    /// `runbook{…}`: the driver answers its metadata (main runs later with
    /// checked parameters). Any other file is a plain script, and this run
    /// was the real one: the driver answers "zdsh:plain" and its results.
    ///
    /// The file arrives compiled (a `.chunk` argument), so a syntax error
    /// names the file and line. It is entered by a tail call, so tracebacks
    /// show it as the main chunk it is, not as the driver's local.
    static let describeDriver = #"""
    local f = ...
    local function top() return f() end
    local results = table.pack(top())
    local spec = results[1]
    if results.n ~= 1 or type(spec) ~= "table" or type(rawget(spec, "main")) ~= "function" or type(rawget(spec, "name")) ~= "string" then
      return "zdsh:plain", table.unpack(results, 1, results.n)
    end
    -- Kept for the run driver, so the top level (held to reads here) runs once.
    rawset(_G, "zdsh:runbook", spec)
    local params = {}
    for k, p in pairs(spec.params or {}) do
      params[k] = { type = p.type or "string", required = p.required == true, default = p.default,
                    description = p.description or "" }
    end
    local optional = {}
    for k, v in pairs(spec.optional or {}) do
      if type(k) == "string" then optional[#optional + 1] = { op = k, when = v } else optional[#optional + 1] = { op = v } end
    end
    return { name = spec.name, description = spec.description or "", params = params,
             destructive = json.array(spec.destructive or {}), writes = json.array(spec.writes or {}),
             notify = json.array(spec.notify or {}), optional = json.array(optional), risk = json.array(spec.risk or {}) }
    """#

    /// The marker the describe driver returns first for a plain script.
    package static let plainMarker = JSON.string("zdsh:plain")

    /// Lua driver running the runbook's main with converted parameters. It
    /// takes the table the describe pass kept instead of running the top
    /// level again: that second run would repeat its reads and no longer be
    /// held to them. (The runbook can reach the kept table, but it is its own
    /// table, and main runs under the grants checked before it either way.)
    static let runDriver = #"""
    local f, params = ...
    local spec = rawget(_G, "zdsh:runbook")
    rawset(_G, "zdsh:runbook", nil)
    if type(spec) ~= "table" then spec = f() end
    -- Not a tail call: tracebacks then show main as the spec's field.
    local results = table.pack(spec.main(params))
    return table.unpack(results, 1, results.n)
    """#

    /// The describe driver over a runbook's bytes.
    package static func describe(_ runbook: LuaSource) -> (LuaSource, [RunArgument]) {
        (LuaSource(text: describeDriver, name: "=zdsh:describe"), [.chunk(runbook)])
    }

    /// The run driver over a runbook's bytes and its converted parameters.
    package static func run(_ runbook: LuaSource, parameters: JSON) -> (LuaSource, [RunArgument]) {
        (LuaSource(text: runDriver, name: "=zdsh:runbook"), [.chunk(runbook), .value(parameters)])
    }

    package init(json: JSON) throws {
        guard let name = json["name"]?.stringValue else { throw PolicyError("runbook has no name") }
        self.name = name
        description = json["description"]?.stringValue ?? ""
        parameters = (json["params"]?.objectValue ?? [:]).map { key, p in
            Parameter(name: key, type: p["type"]?.stringValue ?? "string", required: p["required"]?.boolValue ?? false,
                      defaultValue: p["default"], description: p["description"]?.stringValue ?? "")
        }.sorted { $0.name < $1.name }
        destructive = json["destructive"]?.arrayValue?.compactMap(\.stringValue) ?? []
        writes = json["writes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        notify = json["notify"]?.arrayValue?.compactMap(\.stringValue) ?? []
        optional = (json["optional"]?.arrayValue ?? []).compactMap { entry in
            entry["op"]?.stringValue.map { OptionalOperation(pattern: $0, parameter: entry["when"]?.stringValue) }
        }.sorted { $0.pattern < $1.pattern }
        risk = json["risk"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for o in optional where !(destructive + notify + writes).contains(o.pattern) {
            throw UsageError("runbook \(name): 'optional' lists \(Terminal.visible(o.pattern)), which its destructive, notify and writes lists do not declare")
        }
    }

    /// The policy's other half: what the runbook declares, as patterns.
    package func declarations(into policy: inout Policy) throws {
        policy.declared = try destructive.map(Policy.Pattern.init)
        policy.declaredWrites = try writes.map(Policy.Pattern.init)
        policy.declaredNotify = try notify.map(Policy.Pattern.init)
    }

    /// Whether an optional operation will be called with these parameters:
    /// true when its parameter is set (not false, not empty); nil when no
    /// parameter tells (known only at the call).
    package static func isCalled(_ o: OptionalOperation, parameters: JSON) -> Bool? {
        guard let name = o.parameter else { return nil }
        switch parameters[name] {
        case nil, .null?, .bool(false)?: return false
        case .string(let s)?: return !s.isEmpty
        case .array(let a)?: return !a.isEmpty
        default: return true
        }
    }

    /// Checks and converts `--param key=value` strings; errors are usage errors.
    package func convert(_ raw: [String: String]) throws -> JSON {
        var out: [String: JSON] = [:]
        for key in raw.keys where !parameters.contains(where: { $0.name == key }) {
            let known = parameters.map(\.name).joined(separator: ", ")
            throw UsageError("unknown parameter '\(key)' (this runbook takes: \(known.isEmpty ? "none" : known))")
        }
        for p in parameters {
            guard let text = raw[p.name] else {
                if let d = p.defaultValue { out[p.name] = d; continue }
                if p.required { throw UsageError("missing parameter '\(p.name)' (\(p.type)\(p.description.isEmpty ? "" : ": \(p.description)")); pass --param \(p.name)=VALUE") }
                continue
            }
            func bad(_ expected: String) -> UsageError {
                UsageError("parameter '\(p.name)': \(expected) expected, got \"\(text)\"")
            }
            switch p.type {
            case "id":
                guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw bad("an id (digits)") }
                out[p.name] = .string(text)
            case "integer":
                guard let i = Int64(text) else { throw bad("an integer") }
                out[p.name] = .int(i)
            case "number":
                guard let d = Double(text), d.isFinite else { throw bad("a number") }
                out[p.name] = .double(d)
            case "boolean":
                switch text.lowercased() {
                case "true", "yes", "1", "on": out[p.name] = .bool(true)
                case "false", "no", "0", "off": out[p.name] = .bool(false)
                default: throw bad("true or false")
                }
            case "list":
                out[p.name] = .array(text.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
            default:
                out[p.name] = .string(text)
            }
        }
        return .object(out)
    }

    /// The hash of a runbook's bytes, as read from its file.
    package static func sha256<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Hex.lowercase(SHA256.hash(data: Data(bytes)))
    }

    /// Human description for `zdsh describe` and `zdsh run FILE --help`.
    /// Names and texts are the runbook's own: shown escaped, each on its line.
    package func describe(file: String) -> String {
        let v = { (text: String) in Terminal.visible(text) }
        var lines = ["\(v(name)) — \(v(file))"]
        if !description.isEmpty { lines.append("  \(v(description))") }
        lines.append("")
        lines.append("Parameters:")
        if parameters.isEmpty { lines.append("  (none)") }
        for p in parameters {
            var line = "  --param \(v(p.name))=<\(v(p.type))>"
            line += p.required ? "  (required)" : p.defaultValue.map { "  (default \(v($0.encoded())))" } ?? "  (optional)"
            if !p.description.isEmpty { line += "  \(v(p.description))" }
            lines.append(line)
        }
        lines.append("")
        let optionalNote = { (d: String) -> String in
            guard let o = self.optional.first(where: { $0.pattern == d }) else { return "" }
            return o.parameter.map { "  (optional: called when --param \(v($0)) is set)" } ?? "  (optional: called on some parameters)"
        }
        lines.append("Destructive operations it may perform (each must also be granted with --allow):")
        if destructive.isEmpty { lines.append("  (none)") }
        for d in destructive { lines.append("  \(v(d))\(optionalNote(d))") }
        lines.append("")
        lines.append("Operations that send or publish to outside people (notify; each granted with --allow):")
        if notify.isEmpty { lines.append("  (none)") }
        for d in notify { lines.append("  \(v(d))\(optionalNote(d))") }
        lines.append("")
        lines.append("Writes it may make (any other write is refused):")
        if writes.isEmpty { lines.append("  (none)") }
        for d in writes { lines.append("  \(v(d))") }
        if !risk.isEmpty { lines.append(""); lines.append("Risk: \(risk.map(v).joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }
}
