import Foundation
import Runbooks
import ShellCore

/// Finds scenario files: paths given as files are taken as they are; folders
/// are searched recursively for `*_test.lua`, skipping hidden folders and
/// `.build`. Results are sorted within each folder so runs repeat.
package enum ScenarioDiscovery {
    package static let suffix = "_test.lua"

    package static func files(in paths: [String]) throws -> [String] {
        try scenarios(in: paths).map(\.file)
    }

    /// A scenario file and its test folder: the folder it was found in when
    /// one was given (so scenarios may run runbooks from anywhere under it),
    /// else the file's own folder. What the scenario reads must lie inside.
    package struct Found: Equatable, Sendable {
        package let file: String
        package let testFolder: String
    }

    package static func scenarios(in paths: [String]) throws -> [Found] {
        var out: [Found] = []
        var seen = Set<String>()
        let fm = FileManager.default
        for path in paths.isEmpty ? ["."] : paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                throw UsageError("no such file or folder: \(path)")
            }
            var found: [String] = []
            let testFolder = isDir.boolValue ? path : SessionRecipe.folder(of: path)
            if isDir.boolValue {
                guard let e = fm.enumerator(atPath: path) else { continue }
                while let rel = e.nextObject() as? String {
                    let name = (rel as NSString).lastPathComponent
                    if name.hasPrefix(".") || name == ".build" {
                        e.skipDescendants()
                        continue
                    }
                    if name.hasSuffix(suffix) { found.append((path as NSString).appendingPathComponent(rel)) }
                }
                found.sort()
            } else {
                found = [path]
            }
            for f in found where seen.insert(f).inserted { out.append(Found(file: f, testFolder: testFolder)) }
        }
        return out
    }
}
