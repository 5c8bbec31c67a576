import Foundation
import JSONValue
import XCTest

/// A small JSON Schema checker over Zoho's OpenAPI files: resolves `$ref`s
/// across files and checks type, required, properties, items and
/// allOf/oneOf/anyOf — enough to tell whether a response has the documented shape.
final class SchemaChecker {
    let directory: URL
    private var documents: [String: JSON] = [:]
    private(set) var operations: [String: (file: String, operation: JSON)] = [:]

    /// nil when the spec is not available next to the repository (../shared).
    static func load() throws -> SchemaChecker {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = repo.deletingLastPathComponent().appendingPathComponent("shared/zoho-desk-oas")
        guard FileManager.default.fileExists(atPath: dir.path) else { throw XCTSkip("no Zoho OpenAPI files at \(dir.path)") }
        let checker = SchemaChecker(directory: dir)
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".json") {
            guard case .object(let paths)? = try checker.document(name)["paths"] else { continue }
            for (_, item) in paths {
                for (_, op) in item.objectValue ?? [:] {
                    if let id = op["operationId"]?.stringValue { checker.operations[id] = (name, op) }
                }
            }
        }
        return checker
    }

    init(directory: URL) { self.directory = directory }

    func document(_ file: String) throws -> JSON {
        if let d = documents[file] { return d }
        let d = try JSON.parse(Array(try Data(contentsOf: directory.appendingPathComponent(file))))
        documents[file] = d
        return d
    }

    /// Follows `$ref` chains; returns the target and the file it lives in.
    func resolve(_ node: JSON, in file: String) throws -> (JSON, String) {
        var node = node, file = file
        while let ref = node["$ref"]?.stringValue {
            let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            if !parts[0].isEmpty { file = String(parts[0]).replacingOccurrences(of: "./", with: "") }
            var target = try document(file)
            for key in (parts.count > 1 ? parts[1] : "").split(separator: "/") {
                let k = key.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                guard let next = target[k] else { throw NSError(domain: "ref \(ref) not found", code: 1) }
                target = next
            }
            node = target
        }
        return (node, file)
    }

    /// The JSON schema of `operationId`'s response for `status`, if documented.
    func responseSchema(operationId: String, status: Int) throws -> (JSON, String)? {
        guard let (file, op) = operations[operationId], let resp = op["responses"]?[String(status)] else { return nil }
        let (response, f) = try resolve(resp, in: file)
        guard let schema = response["content"]?["application/json"]?["schema"] else { return nil }
        return (schema, f)
    }

    /// Problems found, as "pointer: message".
    func check(_ value: JSON, _ schemaNode: JSON, in file: String, at pointer: String = "") throws -> [String] {
        let (schema, file) = try resolve(schemaNode, in: file)
        var problems: [String] = []
        if let all = schema["allOf"]?.arrayValue {
            for s in all { problems += try check(value, s, in: file, at: pointer) }
        }
        for key in ["oneOf", "anyOf"] {
            if let options = schema[key]?.arrayValue, !options.isEmpty {
                var passed = false
                for s in options where try check(value, s, in: file, at: pointer).isEmpty { passed = true; break }
                if !passed { problems.append("\(pointer): matches none of \(key)") }
            }
        }
        let types: [String] = schema["type"].map { t in t.arrayValue?.compactMap(\.stringValue) ?? [t.stringValue].compactMap { $0 } } ?? []
        if !types.isEmpty, !types.contains(where: { matches(value, $0) }) {
            return problems + ["\(pointer.isEmpty ? "/" : pointer): expected \(types), got \(value.typeName)"]
        }
        switch value {
        case .object(let o):
            for case .string(let r) in schema["required"]?.arrayValue ?? [] where o[r] == nil {
                problems.append("\(pointer)/\(r): required but missing")
            }
            for (k, sub) in schema["properties"]?.objectValue ?? [:] {
                if let v = o[k] { problems += try check(v, sub, in: file, at: "\(pointer)/\(k)") }
            }
        case .array(let items):
            if let itemSchema = schema["items"] {
                for (i, v) in items.enumerated() { problems += try check(v, itemSchema, in: file, at: "\(pointer)/\(i)") }
            }
        default:
            break
        }
        return problems
    }

    private func matches(_ v: JSON, _ type: String) -> Bool {
        switch (type, v) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
             ("integer", .int), ("number", .int), ("number", .double):
            return true
        case ("integer", .double(let d)): return d.rounded() == d
        default: return false
        }
    }
}
