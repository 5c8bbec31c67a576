import Crypto
import DeskCatalog
import DeskCore
import Foundation
import JSONValue
import LuaHost
import ShellCore

/// Where an upload's bytes may come from, and the one way to load them.
///
/// A path is relative and is looked up under each allowed folder in turn
/// (the runbook's folder, then each `--files-dir`), like `require`: an
/// absolute path or a `..` component is refused as spelt, and the file found
/// must really lie inside the folders (`ConfinedFiles`: links resolved, opened
/// without following links, checked again by descriptor). A refused file
/// stops the search, nothing of it is read, and the call is never sent.
package struct UploadFiles: Sendable {
    let roots: [String]

    package init(roots: [String]) { self.roots = roots }

    /// The file, read and checked against the operation's size limit.
    func load(_ argument: UploadArgument, field: String, operation: String, function: String) throws -> UploadFile {
        let limit = UploadLimits.maximumBytes(for: operation)
        func refuse(_ why: String) -> ArgumentError { ArgumentError(function: function, name: field, expected: why) }
        switch argument {
        case .content(let bytes, let name, let type):
            guard bytes.count <= limit else {
                throw refuse("content of \(bytes.count) bytes is larger than the \(UploadLimits.describe(limit)) \(operation) accepts; nothing was sent")
            }
            return UploadFile(field: field, fileName: name, contentType: type ?? UploadFileName.guessedContentType(for: name), bytes: bytes)
        case .path(let path, let name, let type):
            let bytes = try read(path, limit: limit, operation: operation, refuse: refuse)
            let fileName = name ?? (path as NSString).lastPathComponent
            return UploadFile(field: field, fileName: fileName, contentType: type ?? UploadFileName.guessedContentType(for: fileName),
                              bytes: bytes)
        case .planned(let path, let name, let type, let sha256):
            let file = try load(.path(path, name: name, type: type), field: field, operation: operation, function: function)
            guard Self.sha256(file.bytes) == sha256 else {
                throw refuse("file '\(Terminal.visible(path))' changed since the plan was made (its sha256 differs); make a new plan")
            }
            return file
        }
    }

    private func read(_ path: String, limit: Int, operation: String, refuse: (String) -> ArgumentError) throws -> [UInt8] {
        let shown = "'\(Terminal.visible(path))'"
        if let why = Self.spellingProblem(path) { throw refuse("file \(shown) is refused: \(why); nothing was read or sent") }
        guard !roots.isEmpty else {
            throw refuse("file \(shown) is refused: no folder allows uploads here (a runbook's files come from its own folder; name others with --files-dir DIR); nothing was sent")
        }
        let files = ConfinedFiles(roots: roots)
        for root in roots {
            let candidate = (root as NSString).appendingPathComponent(path)
            do {
                guard let data = try files.read(candidate, maximumSize: limit) else { continue }
                return [UInt8](data)
            } catch let refusal as ConfinedFiles.Refusal {
                switch refusal {
                case .tooLarge:
                    throw refuse("file \(shown) is larger than the \(UploadLimits.describe(limit)) \(operation) accepts; nothing was sent")
                case .outside:
                    throw refuse("file \(shown) is refused: it leads outside the folders uploads may come from (\(roots.map { Terminal.visible($0) }.joined(separator: ", "))) through a symbolic link; nothing was read or sent")
                default:
                    throw refuse("file \(shown) is refused: \(refusal.reason); nothing was read or sent")
                }
            }
        }
        throw refuse("no file \(shown) under \(roots.map { "'\(Terminal.visible($0))'" }.joined(separator: ", ")); nothing was sent")
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        Hex.lowercase(SHA256.hash(data: bytes))
    }

    /// Why `path` cannot name a file under the allowed folders, or nil.
    static func spellingProblem(_ path: String) -> String? {
        if path.isEmpty { return "the path is empty" }
        if path.hasPrefix("/") || path.hasPrefix("~") { return "absolute paths are not allowed (give a path relative to the runbook's folder or a --files-dir folder)" }
        if path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) || path.contains("\\") { return "it contains a control character or backslash" }
        if path.split(separator: "/").contains("..") { return "'..' is not allowed" }
        return nil
    }

    /// What plans, call records and audit records keep of an upload: never the content.
    static func descriptor(_ file: UploadFile, argument: UploadArgument) -> JSON {
        var o: [String: JSON] = [
            "name": .string(file.fileName),
            "size": .int(Int64(file.bytes.count)),
            "sha256": .string(sha256(file.bytes)),
            "content_type": .string(file.contentType),
        ]
        switch argument {
        case .path(let path, _, _): o["path"] = .string(path)
        case .planned(let path, _, _, _): o["path"] = .string(path)
        case .content: o["source"] = "lua string"
        }
        return ["upload": .object(o)]
    }
}

package extension PreparedCall {
    /// Reads the files this call uploads (after binding, before the policy):
    /// the file fields' arguments become `uploads`, and the body keeps only
    /// their descriptors.
    func loadingUploads(from files: UploadFiles) throws -> PreparedCall {
        guard !pendingUploads.isEmpty else { return self }
        var copy = self
        var fields = body?.objectValue ?? [:]
        for (field, argument) in pendingUploads.sorted(by: { $0.key < $1.key }) {
            let file = try files.load(argument, field: field, operation: operation.id, function: calledAs)
            copy.uploads.append(file)
            fields[field] = UploadFiles.descriptor(file, argument: argument)
        }
        copy.pendingUploads = [:]
        copy.body = .object(fields)
        return copy
    }
}
