import Foundation

/// How `require` finds a module: a dotted name (`lib.util`) names
/// `lib/util.lua` under each allowed folder in turn, and the file found must
/// really lie inside the allowed folders (`ConfinedFiles`).
///
/// Names are dotted identifiers, so no path syntax (absolute paths, `..`,
/// separators) can even be spelt; links are caught by resolving the path.
/// A refused file stops the search: falling through to the next folder
/// would hide the attempt.
struct ModuleLookup {
    struct Module {
        /// The file's bytes and "@path".
        let source: LuaSource
    }

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    let folders: [String]

    func find(_ name: String) -> Result<Module, Problem> {
        if let why = Self.nameProblem(name) {
            return .failure(Problem(description: "bad argument #1 to 'require' (module name '\(Self.shortened(name))' is not valid: \(why); "
                + "modules are named with dots, like 'lib.util' for lib/util.lua in the runbook's folder)"))
        }
        let relative = name.replacingOccurrences(of: ".", with: "/") + ".lua"
        let files = ConfinedFiles(roots: folders)
        var tried: [String] = []
        for folder in folders {
            let path = (folder as NSString).appendingPathComponent(relative)
            tried.append(path)
            do {
                guard let data = try files.read(path) else { continue }
                return .success(Module(source: LuaSource(data, name: "@\(path)")))
            } catch let refusal as ConfinedFiles.Refusal {
                return .failure(Problem(description: Self.message(refusal, name: name, path: path, folders: folders)))
            } catch {
                return .failure(Problem(description: "cannot read module '\(name)' (\(path)): \(error)"))
            }
        }
        return .failure(Problem(description: "module '\(name)' not found (no file \(tried.map { "'\($0)'" }.joined(separator: ", ")))"))
    }

    static func message(_ refusal: ConfinedFiles.Refusal, name: String, path: String, folders: [String]) -> String {
        switch refusal {
        case .outside:
            return "bad argument #1 to 'require' (module '\(name)' is refused: '\(path)' leads outside the folders modules "
                + "may come from (\(folders.joined(separator: ", "))) through a symbolic link; require loads only files inside them)"
        case .dangling:
            return "bad argument #1 to 'require' (module '\(name)' is refused: '\(path)' is a symbolic link that leads nowhere)"
        case .notARegularFile:
            return "bad argument #1 to 'require' (module '\(name)' is refused: '\(path)' is not a regular file)"
        case .tooLarge(let limit):
            return "bad argument #1 to 'require' (module '\(name)' is refused: '\(path)' is larger than \(limit >> 20) MB)"
        case .unreadable(let reason):
            return "cannot read module '\(name)' (\(path)): \(reason)"
        }
    }

    /// Why `name` is not a module name, or nil when it is one.
    static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "the name is empty" }
        if name.hasPrefix("/") || name.hasPrefix("~") { return "absolute paths are not allowed" }
        if name.contains("..") { return "'..' is not allowed" }
        if name.contains("/") || name.contains("\\") { return "path separators are not allowed" }
        if name.utf8.count > 200 { return "the name is longer than 200 bytes" }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        let identifier: (Substring) -> Bool = { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
        }
        if !parts.allSatisfy(identifier) { return "only letters, digits and '_', in parts separated by single dots, are allowed" }
        return nil
    }

    /// A name as quoted in a message: long ones cut short.
    static func shortened(_ name: String) -> String {
        name.count > 80 ? String(name.prefix(80)) + "…" : name
    }
}
