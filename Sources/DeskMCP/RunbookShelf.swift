import DeskGate
import Foundation
import JSONValue
import LuaHost
import MCP
import Runbooks

/// The runbooks the operator offered with `--runbooks DIR`: each `*.lua`
/// file there that returns `runbook{…}` (scenario tests, `*_test.lua`, are
/// not runbooks). An assistant names a runbook by its file name without
/// `.lua`, never by path, so nothing outside DIR can be reached.
struct RunbookShelf: Sendable {
    struct Entry: Sendable {
        let name: String
        let path: String
        let spec: RunbookSpec
    }

    let directory: String?
    /// The server's sandbox limits: a runbook's top level runs under them when it is read.
    var limits: Limits = .defaults

    /// The file for `name`, if it is one of the shelf's runbooks.
    func path(of name: String) -> String? {
        guard let directory, !name.isEmpty,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else { return nil }
        let path = (directory as NSString).appendingPathComponent(name + ".lua")
        return FileManager.default.fileExists(atPath: path) && !name.hasSuffix("_test") ? path : nil
    }

    var names: [String] {
        guard let directory, let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return files.filter { $0.hasSuffix(".lua") && !$0.hasSuffix("_test.lua") }
            .map { String($0.dropLast(4)) }.filter { path(of: $0) != nil }.sorted()
    }

    /// Reads a runbook's metadata in the sandbox, against an empty simulator.
    func entry(_ name: String) throws -> Entry {
        guard let path = path(of: name) else {
            throw MCPError.invalidParams("no runbook named '\(name)'" + (directory == nil ? " (the server was started without --runbooks)" : " (list_runbooks shows them)"))
        }
        return Entry(name: name, path: path, spec: try RunbookInspector.spec(file: path, limits: limits))
    }

    func entries() -> (entries: [Entry], problems: [String]) {
        var entries: [Entry] = [], problems: [String] = []
        for name in names {
            do { entries.append(try entry(name)) } catch { problems.append("\(name): \(error)") }
        }
        return (entries, problems)
    }

    static func json(_ e: Entry) -> JSON {
        var o = e.spec.json.objectValue ?? [:]
        // The parameters once, as the JSON Schema an assistant passes them by.
        o.removeValue(forKey: "params")
        o["runbook"] = .string(e.name)
        o["params_schema"] = ValueBridge.json(parameterSchema(e.spec))
        return .object(o)
    }

    /// The runbook's parameters as a JSON Schema, so an assistant passes them typed.
    static func parameterSchema(_ spec: RunbookSpec) -> Value {
        var properties: [String: Value] = [:]
        for p in spec.parameters {
            var s: [String: Value]
            switch p.type {
            case "id": s = ["type": "string", "pattern": "^[0-9]+$"]
            case "integer": s = ["type": "integer"]
            case "number": s = ["type": "number"]
            case "boolean": s = ["type": "boolean"]
            case "list": s = ["type": "array", "items": ["type": "string"]]
            default: s = ["type": "string"]
            }
            if !p.description.isEmpty { s["description"] = .string(p.description) }
            if let d = p.defaultValue { s["default"] = ValueBridge.value(d) }
            properties[p.name] = .object(s)
        }
        let required = spec.parameters.filter { $0.required && $0.defaultValue == nil }.map { Value.string($0.name) }
        return .object(["type": "object", "properties": .object(properties), "required": .array(required),
                        "additionalProperties": false])
    }

    /// Typed parameters as the `--param` strings RunbookSpec checks and
    /// converts, so they pass exactly the checks `zdsh run` applies.
    static func rawParameters(_ values: [String: Value], tool: String) throws -> [String: String] {
        var raw: [String: String] = [:]
        for (k, v) in values {
            switch v {
            case .string(let s): raw[k] = s
            case .int(let i): raw[k] = String(i)
            case .double(let d): raw[k] = String(d)
            case .bool(let b): raw[k] = b ? "true" : "false"
            case .array(let items):
                var parts: [String] = []
                for item in items {
                    switch item {
                    case .string(let s) where !s.contains(","): parts.append(s)
                    case .int(let i): parts.append(String(i))
                    default: throw MCPError.invalidParams("\(tool): parameter '\(k)' must be a list of strings without commas or integers")
                    }
                }
                raw[k] = parts.joined(separator: ",")
            default:
                throw MCPError.invalidParams("\(tool): parameter '\(k)' must be a string, number, boolean or list, got \(ToolArguments.typeName(v))")
            }
        }
        return raw
    }
}
