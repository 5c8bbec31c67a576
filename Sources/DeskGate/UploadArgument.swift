import DeskCore
import JSONValue
import LuaHost
import ShellCore

/// What a runbook gives for a file argument of an upload operation:
/// `"relative/file.pdf"` or `{ path = "relative/file.pdf", name = …, type = … }`
/// (a file under the runbook's folder or a `--files-dir` folder), or
/// `{ name = "x.txt", content = "…", type = "text/plain" }` (the bytes of a
/// Lua string, which must be UTF-8 text to cross into JSON).
package enum UploadArgument: Sendable, Hashable {
    case path(String, name: String?, type: String?)
    case content([UInt8], name: String, type: String?)
    /// An upload a dry run recorded (`{ upload = { path, name, sha256, … } }`):
    /// the file is read again and must still have that sha256.
    case planned(path: String, name: String?, type: String?, sha256: String)

    static let expected = "a file expected: \"relative/path\", { path = \"relative/path\" } or { name = \"x.txt\", content = \"…\" }"

    static func parse(_ value: JSON, function: String, field: String) throws -> UploadArgument {
        func bad(_ why: String) -> ArgumentError { ArgumentError(function: function, name: field, expected: why) }
        switch value {
        case .string(let path):
            return .path(path, name: nil, type: nil)
        case .object(let o):
            if let recorded = o["upload"] {
                guard o.count == 1, let path = recorded["path"]?.stringValue, let sha = recorded["sha256"]?.stringValue else {
                    throw bad("an upload of a Lua string recorded by a dry run keeps the content's name, size and sha256, never the content, so it cannot be sent from a plan; run the runbook instead")
                }
                return .planned(path: path, name: recorded["name"]?.stringValue, type: recorded["content_type"]?.stringValue, sha256: sha)
            }
            let known: Set<String> = ["path", "name", "content", "type"]
            if let extra = o.keys.sorted().first(where: { !known.contains($0) }) {
                throw bad("\(expected); unknown field '\(Terminal.visible(extra))'")
            }
            func text(_ key: String) throws -> String? {
                switch o[key] {
                case nil, .null?: return nil
                case .string(let s)?: return s
                case let other?: throw bad("\(key) must be a string, got \(other.typeName)")
                }
            }
            let name = try text("name"), type = try text("type")
            switch (try text("path"), try text("content")) {
            case (let path?, nil):
                return .path(path, name: name, type: type)
            case (nil, let content?):
                guard let name, !name.isEmpty else { throw bad("a name is required with content (e.g. name = \"notes.txt\")") }
                return .content(Array(content.utf8), name: name, type: type)
            case (_?, _?):
                throw bad("either path or content, not both")
            case (nil, nil):
                throw bad(expected)
            }
        default:
            throw bad("\(expected), got \(value.typeName)")
        }
    }
}
